import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStore } from './store/cluster-store.js';
import { storeSource } from './store-source.js';

test('the store source lists every cluster object and reports a burst of changes once', async () => {
  const store = new ClusterStore({ file: ':memory:' });
  const source = storeSource(store);
  await source.ready();
  let calls = 0;
  const stop = source.watch(() => calls++);
  store.transaction((w) => {
    w.create(
      { group: '', plural: 'services' },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' } },
    );
    w.create(
      { group: 'networking.istio.io', plural: 'workloadentries' },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name: 'we', namespace: 'n' },
      },
    );
  });
  for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(calls, 1);
  assert.deepEqual(
    source
      .list()
      .map((o) => o.kind)
      .sort(),
    ['Service', 'WorkloadEntry'],
  );
  stop();
  store.create(
    { group: '', plural: 'pods' },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } },
  );
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(calls, 1, 'no calls after stop');
  await source.close();
  store.close();
});
