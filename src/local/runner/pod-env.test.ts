import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { containerEnv, portEnv, probeFor } from './pod-env.js';

test('the readiness probe is the manifest one (HTTP or TCP, named ports resolved), else TCP on the first port', () => {
  const ports = [{ name: 'http', containerPort: 9080 }];
  assert.deepEqual(
    probeFor({ ports, readinessProbe: { httpGet: { path: '/health', port: 'http' }, timeoutSeconds: 2 } }),
    {
      type: 'http',
      port: 9080,
      path: '/health',
      timeoutMs: 2000,
    },
  );
  assert.deepEqual(probeFor({ ports, readinessProbe: { tcpSocket: { port: 15021 } } }), {
    type: 'tcp',
    port: 15021,
    timeoutMs: 1000,
  });
  assert.deepEqual(probeFor({ ports }), { type: 'tcp', port: 9080, timeoutMs: 1000 });
  assert.equal(probeFor({}), undefined, 'no port: ready once running');
});

test('container env resolves values and pod fieldRefs; ports become PORT and CONTAINER_PORTS', () => {
  const pod: StoredObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', serviceAccountName: 'sa' },
  };
  const env = containerEnv(
    {
      env: [
        { name: 'LOG_DIR', value: '/tmp/logs' },
        { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      ],
    },
    pod,
    '127.1.0.2',
  );
  assert.deepEqual(env, { LOG_DIR: '/tmp/logs', MY_IP: '127.1.0.2', MY_NS: 'ns' });
  assert.deepEqual(portEnv({ ports: [{ containerPort: 9080 }, { containerPort: 9090 }] }), {
    PORT: '9080',
    CONTAINER_PORTS: '9080,9090',
  });
});
