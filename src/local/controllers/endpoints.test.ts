import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { endpointsFor } from './endpoints.js';

const service: StoredObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'details', namespace: 'bookinfo', labels: { app: 'details' } },
  spec: { selector: { app: 'details' }, ports: [{ name: 'http', port: 9080, targetPort: 'web' }] },
};
const pod = (
  name: string,
  ip: string | undefined,
  ready: boolean,
  labels = { app: 'details' },
  ns = 'bookinfo',
): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, uid: `${name}-uid`, labels },
  spec: { nodeName: 'n', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: 9081 }] }] },
  status: { ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('ready pods matching the selector are addresses, others notReadyAddresses, with named target ports resolved', () => {
  const ep = endpointsFor(service, [
    pod('b', '127.1.0.10', true),
    pod('a', '127.1.0.9', true),
    pod('c', '127.1.0.11', false),
    pod('no-ip', undefined, true),
    pod('other-app', '127.1.0.12', true, { app: 'ratings' }),
    pod('other-ns', '127.1.0.13', true, { app: 'details' }, 'default'),
  ]);
  assert.deepEqual(ep?.subsets, [
    {
      addresses: [
        { ip: '127.1.0.9', nodeName: 'n', targetRef: { kind: 'Pod', namespace: 'bookinfo', name: 'a', uid: 'a-uid' } },
        { ip: '127.1.0.10', nodeName: 'n', targetRef: { kind: 'Pod', namespace: 'bookinfo', name: 'b', uid: 'b-uid' } },
      ],
      notReadyAddresses: [
        { ip: '127.1.0.11', nodeName: 'n', targetRef: { kind: 'Pod', namespace: 'bookinfo', name: 'c', uid: 'c-uid' } },
      ],
      ports: [{ name: 'http', port: 9081, protocol: 'TCP' }],
    },
  ]);
});

test('no selected pods means no subsets; a selector-less service gets no managed endpoints', () => {
  assert.deepEqual(endpointsFor(service, [])?.subsets, []);
  assert.equal(endpointsFor({ ...service, spec: { ports: [{ port: 80 }] } }, []), undefined);
});
