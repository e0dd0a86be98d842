import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { planDeployment, revisionOf, templateHash } from './deployments.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } };
const template2 = { ...template, spec: { containers: [{ name: 'c', image: 'i:2' }] } };
const deployment = (replicas: number, tpl: unknown = template, extra: Record<string, unknown> = {}): StoredObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', uid: 'd-uid', generation: 3 },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: tpl, ...extra },
});
const rs = (tpl: unknown, replicas: number, revision: number): StoredObject => {
  const hash = templateHash(tpl);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'ns',
      uid: `rs-${hash}`,
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }],
    },
    spec: { replicas, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: tpl },
  };
};
const pod = (name: string, owner: StoredObject, ready: boolean): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns',
    labels: { ...owner.metadata.labels },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name, uid: owner.metadata.uid ?? '' },
    ],
  },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('a new deployment gets one ReplicaSet <deploy>-<hash> at revision 1 with the hash in labels and selector', () => {
  const plan = planDeployment({ deployment: deployment(2), replicaSets: [], pods: [] });
  const hash = templateHash(template);
  assert.equal(plan.create.length, 1);
  const created = plan.create[0] as StoredObject;
  assert.equal(created.metadata.name, `web-${hash}`);
  assert.equal(created.metadata.labels?.['pod-template-hash'], hash);
  assert.equal(created.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(created.metadata.ownerReferences?.[0]?.uid, 'd-uid');
  assert.deepEqual((created.spec as { selector: unknown }).selector, {
    matchLabels: { app: 'web', 'pod-template-hash': hash },
  });
  assert.equal((created.spec as { replicas: number }).replicas, 2);
  assert.equal(plan.revision, 1);
});

test('the template hash ignores key order and empty values a typed round trip adds', () => {
  assert.equal(templateHash({ a: 1, b: { c: 2, d: 3 } }), templateHash({ b: { d: 3, c: 2 }, a: 1 }));
  assert.notEqual(templateHash({ a: 1 }), templateHash({ a: 2 }));
  const withEmpty = { ...template, spec: { containers: [{ name: 'c', image: 'i:1', resources: {}, env: [] }] } };
  assert.equal(templateHash(withEmpty), templateHash(template));
  assert.notEqual(templateHash({ a: 0 }), templateHash({}), 'zero and false are values');
});

test('scaling changes the current ReplicaSet only; status counts the ready pods of every ReplicaSet', () => {
  const current = rs(template, 3, 1);
  const pods = [pod('a', current, true), pod('b', current, false), pod('c', current, true)];
  const plan = planDeployment({ deployment: deployment(2), replicaSets: [current], pods });
  assert.deepEqual(
    plan.update.map((u) => (u.spec as { replicas: number }).replicas),
    [2],
  );
  assert.equal(plan.create.length, 0);
  assert.equal(plan.status.readyReplicas, 2);
  assert.equal(plan.status.replicas, 3);
  assert.equal(plan.status.observedGeneration, 3);
});

test('a new template rolls: the old ReplicaSet keeps its pods until the new one has every replica ready', () => {
  const old = rs(template, 2, 1);
  const oldPods = [pod('o1', old, true), pod('o2', old, true)];
  const starting = planDeployment({ deployment: deployment(2, template2), replicaSets: [old], pods: oldPods });
  assert.equal(starting.create.length, 1, 'the new ReplicaSet');
  assert.equal(starting.create[0]?.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.deepEqual(starting.update, [], 'the old one is not scaled down yet');

  const fresh = rs(template2, 2, 2);
  const halfway = planDeployment({
    deployment: deployment(2, template2),
    replicaSets: [old, fresh],
    pods: [...oldPods, pod('n1', fresh, true), pod('n2', fresh, false)],
  });
  assert.deepEqual(halfway.update, [], 'one new pod is not ready: the old pods stay');
  assert.equal(halfway.status.updatedReplicas, 2);

  const done = planDeployment({
    deployment: deployment(2, template2),
    replicaSets: [old, fresh],
    pods: [...oldPods, pod('n1', fresh, true), pod('n2', fresh, true)],
  });
  assert.deepEqual(
    done.update.map((u) => [u.metadata.name, (u.spec as { replicas: number }).replicas]),
    [[old.metadata.name, 0]],
  );
  assert.deepEqual(done.delete, [], 'the old ReplicaSet stays as history');
});

test('going back to an old template (rollout undo) scales its ReplicaSet up under a new revision', () => {
  const first = rs(template, 0, 1);
  const second = rs(template2, 2, 2);
  const plan = planDeployment({ deployment: deployment(2, template), replicaSets: [first, second], pods: [] });
  assert.equal(plan.create.length, 0);
  assert.equal(plan.revision, 3);
  const up = plan.update.find((u) => u.metadata.name === first.metadata.name) as StoredObject;
  assert.equal((up.spec as { replicas: number }).replicas, 2);
  assert.equal(revisionOf(up), 3);
});

test('idle old ReplicaSets beyond revisionHistoryLimit are deleted, oldest revision first', () => {
  const tpl = (n: number) => ({ ...template, spec: { containers: [{ name: 'c', image: `i:${n}` }] } });
  const history = [1, 2, 3, 4].map((n) => rs(tpl(n), 0, n));
  const current = rs(tpl(5), 1, 5);
  const plan = planDeployment({
    deployment: deployment(1, tpl(5), { revisionHistoryLimit: 2 }),
    replicaSets: [...history, current],
    pods: [pod('p', current, true)],
  });
  assert.deepEqual(plan.delete, [history[0]?.metadata.name, history[1]?.metadata.name]);
  assert.deepEqual(plan.update, []);
});
