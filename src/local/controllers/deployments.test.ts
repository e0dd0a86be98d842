import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { inheritedLocality, planDeployment, templateHash } from './deployments.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } };
const deployment = (replicas: number, tpl: unknown = template): StoredObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', uid: 'd-uid', generation: 3 },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: tpl },
});
const node: StoredObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'c1-node', labels: { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1' } },
};
const pod = (name: string, hash: string, ready: boolean, created = '2026-01-01T00:00:00Z'): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', creationTimestamp: created, labels: { app: 'web', 'pod-template-hash': hash } },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('a deployment without pods gets replicas new pods named <deploy>-<hash>-<suffix> on the node', () => {
  let n = 0;
  const plan = planDeployment({ deployment: deployment(2), pods: [], node, suffix: () => `s${n++}xyz` });
  const hash = templateHash(template);
  assert.deepEqual(
    plan.create.map((p) => p.metadata.name),
    [`web-${hash}-s0xyz`, `web-${hash}-s1xyz`],
  );
  const first = plan.create[0];
  assert.equal(first?.metadata.labels?.['pod-template-hash'], hash);
  assert.equal(first?.metadata.labels?.['topology.kubernetes.io/region'], 'r1', 'pods inherit the node locality');
  assert.equal((first?.spec as { nodeName: string }).nodeName, 'c1-node');
  assert.equal(first?.metadata.ownerReferences?.[0]?.uid, 'd-uid');
  assert.equal(plan.status.replicas, 2);
  assert.equal(plan.status.readyReplicas, 0);
});

test('the template hash ignores key order', () => {
  assert.equal(templateHash({ a: 1, b: { c: 2, d: 3 } }), templateHash({ b: { d: 3, c: 2 }, a: 1 }));
  assert.notEqual(templateHash({ a: 1 }), templateHash({ a: 2 }));
});

test('scaling to zero removes every pod; scaling down removes not-ready pods first', () => {
  const hash = templateHash(template);
  const pods = [pod('a', hash, true), pod('b', hash, false), pod('c', hash, true)];
  assert.deepEqual(planDeployment({ deployment: deployment(0), pods, node }).delete.sort(), ['a', 'b', 'c']);
  assert.deepEqual(planDeployment({ deployment: deployment(2), pods, node }).delete, ['b']);
  const status = planDeployment({ deployment: deployment(2), pods, node }).status;
  assert.equal(status.readyReplicas, 2);
  assert.equal(status.observedGeneration, 3);
});

test('a new template rolls: old pods stay until the new ones are ready', () => {
  const newTemplate = { ...template, spec: { containers: [{ name: 'c', image: 'i:2' }] } };
  const oldHash = templateHash(template);
  const newHash = templateHash(newTemplate);
  const starting = planDeployment({ deployment: deployment(1, newTemplate), pods: [pod('old', oldHash, true)], node });
  assert.equal(starting.create.length, 1);
  assert.deepEqual(starting.delete, []);
  const rolled = planDeployment({
    deployment: deployment(1, newTemplate),
    pods: [pod('old', oldHash, true), pod('new', newHash, true)],
    node,
  });
  assert.deepEqual(rolled.delete, ['old']);
  assert.equal(rolled.status.updatedReplicas, 1);
});

test('pods follow a relabelled node unless their template sets the locality itself', () => {
  const moved: StoredObject = {
    ...node,
    metadata: {
      ...node.metadata,
      labels: { 'topology.kubernetes.io/region': 'r2', 'topology.kubernetes.io/zone': 'z2' },
    },
  };
  const p = pod('a', 'h', true);
  p.metadata.labels = {
    ...p.metadata.labels,
    'topology.kubernetes.io/region': 'r1',
    'topology.kubernetes.io/zone': 'z1',
  };
  assert.deepEqual(inheritedLocality(p, moved, {}), {
    app: 'web',
    'pod-template-hash': 'h',
    'topology.kubernetes.io/region': 'r2',
    'topology.kubernetes.io/zone': 'z2',
  });
  assert.equal(
    inheritedLocality(p, moved, { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1' }),
    undefined,
  );
  assert.equal(inheritedLocality(p, node, {}), undefined, 'nothing to change');
});
