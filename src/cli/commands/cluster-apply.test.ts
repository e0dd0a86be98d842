import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threeWayPatch } from './cluster-apply.js';

const live = {
  metadata: { name: 'd', labels: { app: 'd', old: 'x' }, uid: 'u1', resourceVersion: '7' },
  spec: {
    replicas: 0,
    template: {
      spec: {
        containers: [
          { name: 'c', image: 'i:1', imagePullPolicy: 'Always', ports: [{ containerPort: 80, protocol: 'TCP' }] },
        ],
      },
    },
  },
};

test('applying the same file again is an empty patch even when the server added defaults', () => {
  const desired = {
    metadata: { name: 'd', labels: { app: 'd', old: 'x' } },
    spec: {
      replicas: 0,
      template: { spec: { containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: 80 }] }] } },
    },
  };
  assert.deepEqual(threeWayPatch(desired, desired, live), {});
});

test('a changed image replaces the container list and drift in replicas is corrected', () => {
  const desired = {
    metadata: { name: 'd', labels: { app: 'd', old: 'x' } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i:2' }] } } },
  };
  assert.deepEqual(threeWayPatch(desired, desired, live), {
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i:2' }] } } },
  });
});

test('a field removed from the file since the last apply is deleted with null', () => {
  const last = { metadata: { name: 'd', labels: { app: 'd', old: 'x' } } };
  const desired = { metadata: { name: 'd', labels: { app: 'd' } } };
  assert.deepEqual(threeWayPatch(last, desired, live), { metadata: { labels: { old: null } } });
});
