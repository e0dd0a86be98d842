import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterStore } from './cluster-store.js';
import { isStoreError } from './errors.js';
import type { Change, StoredObject } from './types.js';

const pods = { group: '', plural: 'pods' };
const svcs = { group: '', plural: 'services' };
const pod = (name: string, extra: Record<string, unknown> = {}): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns1' },
  ...extra,
});

function withStore(fn: (store: ClusterStore, file: string) => void | Promise<void>, logSize?: number) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-store-'));
    const file = join(dir, 'store.db');
    const store = new ClusterStore({ file, changeLogSize: logSize });
    try {
      await fn(store, file);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'every write takes the next resourceVersion of one cluster-wide counter',
  withStore((store) => {
    const a = store.create(pods, pod('a'));
    const s = store.create(svcs, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns1' } });
    const a2 = store.update(pods, { ...a, spec: { x: 1 } });
    assert.deepEqual(
      [a, s, a2].map((o) => o.metadata.resourceVersion),
      ['1', '2', '3'],
    );
    assert.equal(store.currentVersion(), 3);
    assert.equal(a2.metadata.uid, a.metadata.uid);
    assert.ok(a.metadata.creationTimestamp);
  }),
);

test(
  'an update carrying a stale resourceVersion is a Conflict and changes nothing',
  withStore((store) => {
    const a = store.create(pods, pod('a'));
    store.update(pods, { ...a, spec: { x: 1 } });
    assert.throws(
      () => store.update(pods, { ...a, spec: { x: 2 } }),
      (e: unknown) => isStoreError(e, 'Conflict'),
    );
    assert.deepEqual(store.get(pods, 'ns1', 'a')?.spec, { x: 1 });
    assert.equal(store.currentVersion(), 2);
  }),
);

test(
  'creating a taken name is AlreadyExists; deleting a missing one is NotFound',
  withStore((store) => {
    store.create(pods, pod('a'));
    assert.throws(
      () => store.create(pods, pod('a')),
      (e: unknown) => isStoreError(e, 'AlreadyExists'),
    );
    assert.throws(
      () => store.delete(pods, 'ns1', 'zz'),
      (e: unknown) => isStoreError(e, 'NotFound'),
    );
  }),
);

test(
  'a transaction that throws half-way writes nothing and emits nothing',
  withStore(async (store) => {
    const seen: Change[] = [];
    store.subscribe((c) => seen.push(c));
    assert.throws(() =>
      store.transaction((w) => {
        w.create(pods, pod('a'));
        w.create(pods, pod('a'));
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(store.list(pods).length, 0);
    assert.equal(store.currentVersion(), 0);
    assert.equal(seen.length, 0);
  }),
);

test(
  'listeners hear committed changes in order, with the deletion carrying a new version',
  withStore(async (store) => {
    const seen: string[] = [];
    store.subscribe((c) => seen.push(`${c.type} ${c.object.metadata.name}@${c.resourceVersion}`));
    const a = store.create(pods, pod('a'));
    store.update(pods, a);
    store.delete(pods, 'ns1', 'a');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['ADDED a@1', 'MODIFIED a@2', 'DELETED a@3']);
  }),
);

test(
  'changes since a version resume a watch, and a version older than the log window is Expired',
  withStore((store) => {
    for (let i = 0; i < 6; i++) store.create(pods, pod(`p${i}`));
    assert.deepEqual(
      store.changesSince(4).map((c) => c.object.metadata.name),
      ['p4', 'p5'],
    );
    assert.deepEqual(store.changesSince(3, svcs), []);
    assert.throws(
      () => store.changesSince(1),
      (e: unknown) => isStoreError(e, 'Expired'),
    );
  }, 3),
);

test(
  'objects and the counter survive reopening the file',
  withStore((store, file) => {
    store.create(pods, pod('a'));
    store.create(pods, pod('b'));
    const again = new ClusterStore({ file });
    try {
      assert.deepEqual(
        again.list(pods, 'ns1').map((p) => p.metadata.name),
        ['a', 'b'],
      );
      assert.equal(again.create(pods, pod('c')).metadata.resourceVersion, '3');
    } finally {
      again.close();
    }
  }),
);

test(
  "a resource's version moves with writes of that resource only, deletions included",
  withStore((store) => {
    assert.equal(store.resourceVersion(pods), 0);
    const a = store.create(pods, pod('a'));
    const atCreate = store.resourceVersion(pods);
    assert.ok(atCreate > 0);
    store.create(svcs, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns1' } });
    assert.equal(store.resourceVersion(pods), atCreate, 'a Service write leaves the pods version');
    store.update(pods, a);
    const atUpdate = store.resourceVersion(pods);
    assert.ok(atUpdate > atCreate);
    store.delete(pods, 'ns1', 'a');
    assert.ok(store.resourceVersion(pods) > atUpdate);
  }),
);

test(
  'a transaction that rolls back its compaction leaves the next write to compact as far as the log size asks',
  withStore((store) => {
    for (let i = 0; i < 5; i++) store.create(pods, pod(`p${i}`));
    assert.equal(store.oldestResumableVersion(), 2);
    assert.throws(() =>
      store.transaction((w) => {
        w.create(pods, pod('p5'));
        throw new Error('abort');
      }),
    );
    assert.equal(store.oldestResumableVersion(), 2, 'the rolled-back compaction is undone');
    store.create(pods, pod('p5'));
    assert.equal(store.oldestResumableVersion(), 3);
    assert.deepEqual(
      store.changesSince(3).map((c) => c.object.metadata.name),
      ['p3', 'p4', 'p5'],
    );
  }, 3),
);
