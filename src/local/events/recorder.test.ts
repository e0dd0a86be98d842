import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStore } from '../store/cluster-store.js';
import { EVENTS, eventRecorder } from './recorder.js';
import type { EventInput } from './plan.js';

const probe: EventInput = {
  regarding: {
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'bookinfo',
    name: 'p',
    uid: 'u',
    fieldPath: 'spec.containers{c}',
  },
  type: 'Warning',
  reason: 'Unhealthy',
  message: 'Readiness probe failed',
  component: 'kubelet',
};

function storeWithNamespace(): ClusterStore {
  const store = new ClusterStore({ file: ':memory:' });
  store.create(
    { group: '', plural: 'namespaces' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } },
  );
  return store;
}

test('repeats of an event aggregate into one stored Event whose count grows', () => {
  const store = storeWithNamespace();
  const events = eventRecorder({ store });
  for (let i = 0; i < 25; i++) events.record(probe);
  const stored = store.list(EVENTS, 'bookinfo');
  assert.equal(stored.length, 1);
  assert.equal(stored[0]?.count, 25);
  store.close();
});

test('a noisy pod never holds more than the per-namespace cap, and a deleted event is recreated', () => {
  const store = storeWithNamespace();
  const events = eventRecorder({ store, maxPerNamespace: 5 });
  for (let i = 0; i < 40; i++) events.record({ ...probe, message: `failure ${i}` });
  assert.equal(store.list(EVENTS, 'bookinfo').length, 5);
  for (const e of store.list(EVENTS, 'bookinfo')) store.delete(EVENTS, 'bookinfo', e.metadata.name);
  events.record({ ...probe, message: 'failure 39' });
  assert.equal(store.list(EVENTS, 'bookinfo')[0]?.count, 1);
  store.close();
});

test('nothing is recorded into a namespace that does not exist', () => {
  const store = new ClusterStore({ file: ':memory:' });
  eventRecorder({ store }).record(probe);
  assert.equal(store.list(EVENTS).length, 0);
  store.close();
});
