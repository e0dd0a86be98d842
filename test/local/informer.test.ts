import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startTestApi, type TestApi } from './api-support.js';

let api: TestApi;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

before(async () => {
  api = await startTestApi({ changeLogSize: 5 });
  kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: api.url, skipTLSVerify: true }],
    users: [{ name: 'u', token: api.token }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  core = kc.makeApiClient(k8s.CoreV1Api);
});
after(() => api.close());

const service = (name: string, labels: Record<string, string> = {}): k8s.V1Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels },
  spec: { ports: [{ port: 80 }] },
});

function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = check();
      if (v !== undefined) resolve(v);
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

test('a client-node informer sees adds, updates and deletes, and resumes its watch after the server ends it, without relisting', async () => {
  let lists = 0;
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/services', () => {
    lists++;
    return core.listNamespacedService({ namespace: 'default' });
  });
  const events: string[] = [];
  informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${o.metadata?.labels?.v ?? ''}`));
  informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
  await core.createNamespacedService({ namespace: 'default', body: service('before') });
  await informer.start();
  try {
    await waitFor('the initial list', () => (events.includes('add before') ? true : undefined));
    await core.createNamespacedService({ namespace: 'default', body: service('a') });
    await core.patchNamespacedService(
      { namespace: 'default', name: 'a', body: { metadata: { labels: { v: '2' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedService({ namespace: 'default', name: 'a' });
    await waitFor('add, update and delete of a', () => (events.includes('delete a') ? true : undefined));
    assert.deepEqual(
      events.filter((e) => e.endsWith(' a') || e.includes(' a ')),
      ['add a', 'update a 2', 'delete a'],
    );
    // End the watch (as a server-side watch timeout does); the informer reconnects from its last resourceVersion and catches up on what it missed.
    api.endWatches();
    await core.createNamespacedService({ namespace: 'default', body: service('after-drop') });
    await waitFor('the add after the drop', () => (events.includes('add after-drop') ? true : undefined));
    assert.equal(lists, 1, 'the watch resumed from its version instead of relisting');
    assert.equal(events.filter((e) => e === 'add after-drop').length, 1);
    assert.deepEqual(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
      ['after-drop', 'before'],
    );
  } finally {
    await informer.stop();
  }
});

test('a watch from a version older than the retained change log gets 410 Expired, and the informer relists', async () => {
  for (let i = 0; i < 8; i++) await core.createNamespacedService({ namespace: 'default', body: service(`churn-${i}`) });
  // Raw watch from version 1: an ERROR event carrying a 410 Status, then the stream ends.
  const res = await fetch(`${api.url}/api/v1/namespaces/default/services?watch=1&resourceVersion=1`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  const lines = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; object: { code?: number; reason?: string } });
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.type, 'ERROR');
  assert.equal(lines[0]?.object.code, 410);
  assert.equal(lines[0]?.object.reason, 'Expired');

  // An informer whose first list hands it that stale version recovers by listing again.
  let lists = 0;
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/services', async () => {
    lists++;
    const list = await core.listNamespacedService({ namespace: 'default' });
    if (lists === 1) list.metadata = { ...list.metadata, resourceVersion: '1' };
    return list;
  });
  await informer.start();
  try {
    await waitFor('a relist after 410', () => (lists >= 2 ? true : undefined));
    await core.createNamespacedService({ namespace: 'default', body: service('after-410') });
    await waitFor('the informer to see new objects', () =>
      informer.list().some((o) => o.metadata?.name === 'after-410') ? true : undefined,
    );
  } finally {
    await informer.stop();
  }
});

test('a raw watch replays changes after the given version and streams new ones as JSON lines', async () => {
  const from = api.store.currentVersion();
  await core.createNamespacedService({ namespace: 'default', body: service('w1', { k: 'yes' }) });
  await core.createNamespacedService({ namespace: 'default', body: service('w2', { k: 'no' }) });
  const controller = new AbortController();
  const res = await fetch(
    `${api.url}/api/v1/namespaces/default/services?watch=true&resourceVersion=${from}&labelSelector=k%3Dyes&allowWatchBookmarks=true`,
    { signal: controller.signal, headers: { authorization: `Bearer ${api.token}` } },
  );
  const reader = res.body!.getReader();
  let text = '';
  const seen = (): string[] =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const e = JSON.parse(l) as { type: string; object: { metadata: { name?: string } } };
        return `${e.type} ${e.object.metadata.name ?? ''}`;
      });
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += Buffer.from(value).toString('utf8');
    }
  })().catch(() => undefined);
  await waitFor('the replayed add', () => (seen().includes('ADDED w1') ? true : undefined));
  await core.deleteNamespacedService({ namespace: 'default', name: 'w1' });
  await waitFor('the streamed delete', () => (seen().includes('DELETED w1') ? true : undefined));
  assert.deepEqual(seen(), ['ADDED w1', 'DELETED w1'], 'w2 does not match the label selector');
  controller.abort();
  await pump;
});
