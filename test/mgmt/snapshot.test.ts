import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, org, startTestMgmt, tenant } from './support/harness.js';
import type { TestMgmt } from './support/harness.js';

let m: TestMgmt;
before(async () => {
  m = await startTestMgmt();
  await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [org('o')] } });
});
after(async () => {
  await m?.close();
});

interface Snapshot {
  revision: number;
  objects: { kind: string; metadata: { name: string } }[];
}

test('a snapshot long poll wakes as soon as an apply moves the revision past `after`', async () => {
  const now = (await call(m.url, 'GET', '/v2/snapshot', { token: m.adminToken })).json as Snapshot;
  const started = Date.now();
  const poll = call(m.url, 'GET', `/v2/snapshot?after=${now.revision}&wait=30`, { token: m.adminToken });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(m.running.deps.notifier.pending, 1, 'the poll is parked, not answered');
  const applied = await call(m.url, 'POST', '/v2/apply', {
    token: m.adminToken,
    body: { objects: [tenant('o', 'woken')] },
  });
  assert.equal(applied.status, 200);
  const reply = await poll;
  const elapsed = Date.now() - started;
  const snap = reply.json as Snapshot;
  assert.equal(snap.revision, now.revision + 1);
  assert.ok(snap.objects.some((o) => o.kind === 'Tenant' && o.metadata.name === 'woken'));
  assert.ok(elapsed < 10_000, `woke after ${elapsed} ms, long before the 30 s wait`);
});

test('a long poll whose wait passes without change answers with the same revision; a no-op apply does not wake it', async () => {
  const now = (await call(m.url, 'GET', '/v2/snapshot', { token: m.adminToken })).json as Snapshot;
  const poll = call(m.url, 'GET', `/v2/snapshot?after=${now.revision}&wait=1`, { token: m.adminToken });
  const same = await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [org('o')] } });
  assert.equal((same.json as { results: { result: string }[] }).results[0]?.result, 'unchanged');
  const snap = (await poll).json as Snapshot;
  assert.equal(snap.revision, now.revision);
});

test('a long poll with `after` behind the current revision answers at once', async () => {
  const started = Date.now();
  const snap = (await call(m.url, 'GET', '/v2/snapshot?after=0&wait=30', { token: m.adminToken })).json as Snapshot;
  assert.ok(snap.revision > 0);
  assert.ok(Date.now() - started < 5_000);
});

test('a long poll abandoned by its client stops waiting', async () => {
  const now = (await call(m.url, 'GET', '/v2/snapshot', { token: m.adminToken })).json as Snapshot;
  const ac = new AbortController();
  const poll = fetch(`${m.url}/v2/snapshot?after=${now.revision}&wait=30`, {
    headers: { authorization: `Bearer ${m.adminToken}` },
    signal: ac.signal,
  }).catch(() => 'aborted');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(m.running.deps.notifier.pending, 1);
  ac.abort();
  assert.equal(await poll, 'aborted');
  for (let i = 0; i < 50 && m.running.deps.notifier.pending > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(m.running.deps.notifier.pending, 0);
});
