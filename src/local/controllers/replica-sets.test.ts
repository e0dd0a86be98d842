import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { inheritedLocality, planReplicaSet } from './replica-sets.js';

const node: StoredObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'c1-node', labels: { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1' } },
};
const replicaSet = (replicas: number): StoredObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'ns', uid: 'rs-uid', generation: 2, labels: { 'pod-template-hash': 'abc' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } },
    template: {
      metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } },
      spec: { containers: [{ name: 'c' }] },
    },
  },
});
const pod = (name: string, ready: boolean, created = '2026-01-01T00:00:00Z'): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', creationTimestamp: created, labels: { app: 'web', 'pod-template-hash': 'abc' } },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('a ReplicaSet without pods creates replicas pods named <replicaset>-<suffix>, owned by it, on the node', () => {
  let n = 0;
  const plan = planReplicaSet({ replicaSet: replicaSet(2), pods: [], node, suffix: () => `s${n++}xyz` });
  assert.deepEqual(
    plan.create.map((p) => p.metadata.name),
    ['web-abc-s0xyz', 'web-abc-s1xyz'],
  );
  const first = plan.create[0] as StoredObject;
  assert.deepEqual(first.metadata.ownerReferences, [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-abc',
      uid: 'rs-uid',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  assert.equal(first.metadata.labels?.['pod-template-hash'], 'abc');
  assert.equal(first.metadata.labels?.['topology.kubernetes.io/region'], 'r1', 'pods inherit the node locality');
  assert.equal((first.spec as { nodeName: string }).nodeName, 'c1-node');
  assert.equal(plan.status.replicas, 2);
  assert.equal(plan.status.observedGeneration, 2);
});

test('scaling to zero removes every pod; scaling down removes not-ready pods first, then the newest', () => {
  const pods = [pod('a', true), pod('b', false), pod('c', true, '2026-01-01T00:00:05Z')];
  assert.deepEqual(planReplicaSet({ replicaSet: replicaSet(0), pods, node }).delete.sort(), ['a', 'b', 'c']);
  assert.deepEqual(planReplicaSet({ replicaSet: replicaSet(2), pods, node }).delete, ['b']);
  assert.deepEqual(planReplicaSet({ replicaSet: replicaSet(1), pods, node }).delete, ['b', 'c']);
  assert.equal(planReplicaSet({ replicaSet: replicaSet(2), pods, node }).status.readyReplicas, 2);
});

test('pods of its hash owned by the Deployment directly are adopted, not replaced', () => {
  const plan = planReplicaSet({ replicaSet: replicaSet(1), pods: [], orphans: [pod('legacy', true)], node });
  assert.deepEqual(plan.adopt, ['legacy']);
  assert.deepEqual(plan.create, []);
  assert.deepEqual(plan.delete, []);
});

test('pods follow a relabelled node unless their template sets the locality itself', () => {
  const moved: StoredObject = {
    ...node,
    metadata: {
      ...node.metadata,
      labels: { 'topology.kubernetes.io/region': 'r2', 'topology.kubernetes.io/zone': 'z2' },
    },
  };
  const p = pod('a', true);
  p.metadata.labels = {
    ...p.metadata.labels,
    'topology.kubernetes.io/region': 'r1',
    'topology.kubernetes.io/zone': 'z1',
  };
  assert.deepEqual(inheritedLocality(p, moved, {}), {
    app: 'web',
    'pod-template-hash': 'abc',
    'topology.kubernetes.io/region': 'r2',
    'topology.kubernetes.io/zone': 'z2',
  });
  assert.equal(
    inheritedLocality(p, moved, { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1' }),
    undefined,
  );
  assert.equal(inheritedLocality(p, node, {}), undefined, 'nothing to change');
});
