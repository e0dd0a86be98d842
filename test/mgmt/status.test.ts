import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { combineStates } from '../../src/mgmt/service/status-aggregate.js';
import { call, org, startTestMgmt, tenant, workspace, wsSetting } from './support/harness.js';
import type { TestMgmt } from './support/harness.js';

interface Status {
  kind: string;
  fqn: string;
  state: string;
  message: string;
  clusters: Record<string, { state: string; message: string }>;
}

const WS = 'organizations/o/tenants/t/workspaces/w';
const S1 = `${WS}/settings/s1`;
const S2 = `${WS}/settings/s2`;

let m: TestMgmt;
before(async () => {
  m = await startTestMgmt();
  const objects = [
    org('o'),
    tenant('o', 't'),
    workspace('o', 't', 'w'),
    wsSetting('o', 't', 'w', 's1'),
    wsSetting('o', 't', 'w', 's2'),
  ];
  assert.equal((await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects } })).status, 200);
});
after(async () => {
  await m?.close();
});

const report = (fqn: string, clusters: Record<string, { state: string; message?: string }>, revision?: number) =>
  call(m.url, 'PUT', '/v2/status', {
    token: m.adminToken,
    body: { kind: 'WorkspaceSetting', fqn, clusters, ...(revision === undefined ? {} : { revision }) },
  });
const statusOf = async (kind: string, fqn: string): Promise<Status> => {
  const r = await call(m.url, 'GET', `/v2/status/${kind}/${fqn}`, { token: m.adminToken });
  assert.equal(r.status, 200, r.text);
  return r.json as Status;
};

test('combining states: all READY is READY, all FAILED is FAILED, any FAILED or PARTIAL is PARTIAL, else pending is ACCEPTED', () => {
  assert.equal(combineStates([]), 'ACCEPTED');
  assert.equal(combineStates(['READY', 'READY']), 'READY');
  assert.equal(combineStates(['FAILED', 'FAILED']), 'FAILED');
  assert.equal(combineStates(['READY', 'FAILED']), 'PARTIAL');
  assert.equal(combineStates(['ACCEPTED', 'PARTIAL']), 'PARTIAL');
  assert.equal(combineStates(['READY', 'ACCEPTED']), 'ACCEPTED');
});

test('stored objects are ACCEPTED until the controller reports on them', async () => {
  const s = await statusOf('WorkspaceSetting', S1);
  assert.equal(s.state, 'ACCEPTED');
  assert.match(s.message, /not yet reported/);
  assert.equal((await statusOf('Organization', 'organizations/o')).state, 'ACCEPTED');
});

test('a setting is READY when every target cluster is READY, PARTIAL on a mix, FAILED when all fail, with messages', async () => {
  assert.equal((await report(S1, { 'cluster-1': { state: 'READY' }, 'cluster-2': { state: 'READY' } })).status, 200);
  assert.equal((await statusOf('WorkspaceSetting', S1)).state, 'READY');
  await report(S1, {
    'cluster-1': { state: 'READY' },
    'cluster-2': { state: 'FAILED', message: 'gateway has no address yet' },
  });
  const partial = await statusOf('WorkspaceSetting', S1);
  assert.equal(partial.state, 'PARTIAL');
  assert.match(partial.message, /cluster-2: FAILED gateway has no address yet/);
  assert.deepEqual(partial.clusters['cluster-2'], { state: 'FAILED', message: 'gateway has no address yet' });
  await report(S1, { 'cluster-1': { state: 'FAILED', message: 'x' } });
  const failed = await statusOf('WorkspaceSetting', S1);
  assert.equal(failed.state, 'FAILED');
  assert.deepEqual(Object.keys(failed.clusters), ['cluster-1'], 'a report replaces the previous one');
});

test('workspace, tenant and organization aggregate their children up the hierarchy', async () => {
  await report(S1, { 'cluster-1': { state: 'READY' } });
  await report(S2, { 'cluster-1': { state: 'READY' } });
  for (const [kind, fqn] of [
    ['Workspace', WS],
    ['Tenant', 'organizations/o/tenants/t'],
    ['Organization', 'organizations/o'],
  ] as const) {
    assert.equal((await statusOf(kind, fqn)).state, 'READY', `${kind} READY when all below are READY`);
  }
  await report(S2, { 'cluster-1': { state: 'FAILED', message: 'apply failed' } });
  const ws = await statusOf('Workspace', WS);
  assert.equal(ws.state, 'PARTIAL');
  assert.match(ws.message, /WorkspaceSetting\/organizations\/o\/tenants\/t\/workspaces\/w\/settings\/s2: FAILED/);
  assert.equal((await statusOf('Organization', 'organizations/o')).state, 'PARTIAL');
});

test('after a change, a versioned report for an older revision no longer counts; an unversioned one stands', async () => {
  await report(S1, { 'cluster-1': { state: 'READY' } });
  const changed = await call(m.url, 'POST', '/v2/apply', {
    token: m.adminToken,
    body: { objects: [wsSetting('o', 't', 'w', 's1', 'other-gateway')] },
  });
  const revision = (changed.json as { revision: number }).revision;
  assert.equal((await statusOf('WorkspaceSetting', S1)).state, 'READY', 'an unversioned report stands until replaced');
  await report(S1, { 'cluster-1': { state: 'READY' } }, revision - 1);
  assert.equal((await statusOf('WorkspaceSetting', S1)).state, 'ACCEPTED', 'a report for an older revision is stale');
  await report(S1, { 'cluster-1': { state: 'READY' } }, revision);
  assert.equal((await statusOf('WorkspaceSetting', S1)).state, 'READY');
  const again = await call(m.url, 'POST', '/v2/apply', {
    token: m.adminToken,
    body: { objects: [wsSetting('o', 't', 'w', 's1')] },
  });
  assert.equal(again.status, 200);
  const stale = await statusOf('WorkspaceSetting', S1);
  assert.equal(stale.state, 'ACCEPTED', 'a report versioned before the latest change no longer counts');
  assert.match(stale.message, /not yet reported/);
});

test('bad status reports are refused with a message saying what is expected', async () => {
  const badFqn = await call(m.url, 'PUT', '/v2/status', {
    token: m.adminToken,
    body: { kind: 'WorkspaceSetting', fqn: 'o/t/w/s1', clusters: {} },
  });
  assert.equal(badFqn.status, 400);
  assert.match((badFqn.json as { message: string }).message, /not a WorkspaceSetting fqn/);
  const badState = await report(S1, { 'cluster-1': { state: 'GREEN' } });
  assert.equal(badState.status, 400);
  const missing = await report(`${WS}/settings/nope`, { 'cluster-1': { state: 'READY' } });
  assert.equal(missing.status, 404);
});

test('the status list covers every object', async () => {
  const all = (await call(m.url, 'GET', '/v2/status', { token: m.adminToken })).json as { objects: Status[] };
  assert.deepEqual(all.objects.map((s) => s.kind).sort(), [
    'Organization',
    'Tenant',
    'Workspace',
    'WorkspaceSetting',
    'WorkspaceSetting',
  ]);
});
