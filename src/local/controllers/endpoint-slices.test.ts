import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { sliceFor, sliceName } from './endpoint-slices.js';
import { endpointsFor } from './endpoints.js';

const service: StoredObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'details', namespace: 'bookinfo', uid: 'svc-uid', labels: { app: 'details' } },
  spec: { selector: { app: 'details' }, ports: [{ name: 'http', port: 9080, targetPort: 9080 }] },
};
const pod = (name: string, ip: string, ready: boolean): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'bookinfo',
    uid: `${name}-uid`,
    labels: { app: 'details', 'topology.kubernetes.io/zone': 'eu-west-2a' },
  },
  spec: { nodeName: 'node-1', containers: [{ name: 'c' }] },
  status: { podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('the slice lists the same addresses as the Endpoints, with ready/serving conditions, node, zone and pod', () => {
  const pods = [pod('a', '127.1.0.9', true), pod('b', '127.1.0.10', false)];
  const ep = endpointsFor(service, pods) as StoredObject;
  const slice = sliceFor(service, ep, pods);
  assert.equal(slice.apiVersion, 'discovery.k8s.io/v1');
  assert.equal(slice.addressType, 'IPv4');
  assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'details');
  assert.equal(slice.metadata.ownerReferences?.[0]?.uid, 'svc-uid');
  assert.deepEqual(slice.ports, [{ name: 'http', port: 9080, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints, [
    {
      addresses: ['127.1.0.9'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'bookinfo', name: 'a', uid: 'a-uid' },
      nodeName: 'node-1',
      zone: 'eu-west-2a',
    },
    {
      addresses: ['127.1.0.10'],
      conditions: { ready: false, serving: false, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'bookinfo', name: 'b', uid: 'b-uid' },
      nodeName: 'node-1',
      zone: 'eu-west-2a',
    },
  ]);
});

test('a Service without pods has an empty slice, and its name is stable for the Service', () => {
  const ep = endpointsFor(service, []) as StoredObject;
  const slice = sliceFor(service, ep, []);
  assert.deepEqual(slice.endpoints, []);
  assert.equal(slice.metadata.name, sliceName(service));
  assert.match(slice.metadata.name, /^details-[0-9a-f]{5}$/);
});
