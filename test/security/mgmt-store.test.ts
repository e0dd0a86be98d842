/**
 * Writes that must not change the store: over an organization's object or byte quota, by a reader, or into another
 * organization. Each is refused with its status and code, audited once with the caller's name, and stores nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, org, startTestMgmt, tenant, tokenFor, workspace, wsSetting } from '../mgmt/support/harness.js';
import type { Reply, TestMgmt } from '../mgmt/support/harness.js';
import { auditedBy, storedState } from './support/mgmt-state.js';

let m: TestMgmt;
before(async () => {
  // Small limits so the test stays small: 6 objects and 4 KiB per organization.
  m = await startTestMgmt({ limits: { maxObjectsPerOrganization: 6, maxBytesPerOrganization: 4096 } });
  const base = [org('a'), tenant('a', 't'), workspace('a', 't', 'w'), org('b'), tenant('b', 't')];
  const r = await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: base } });
  assert.equal(r.status, 200, r.text);
});
after(async () => m?.close());

/** Applies `objects` with `token`; asserts the store unchanged and one audit record by `actor` with `outcome`. */
async function refusedApply(token: string, objects: object[], actor: string, outcome: string): Promise<Reply> {
  const state = await storedState(m);
  let reply: Reply | undefined;
  const audit = await auditedBy(m, async () => {
    reply = await call(m.url, 'POST', '/v2/apply', { token, body: { objects } });
  });
  assert.equal(await storedState(m), state, 'nothing stored');
  assert.deepEqual(
    audit.map((a) => [a.actor, a.outcome]),
    [[actor, outcome]],
  );
  return reply as Reply;
}
const codeOf = (r: Reply) => (r.json as { code: string }).code;

test('a write past the organization object limit is refused with 403 MB9013 and stores nothing', async () => {
  const many = ['w1', 'w2', 'w3', 'w4'].map((w) => workspace('a', 't', w));
  const r = await refusedApply(m.adminToken, many, 'admin', 'rejected');
  assert.equal(r.status, 403);
  assert.equal(codeOf(r), 'MB9013');
  assert.match((r.json as { message: string }).message, /organization a would hold 7 objects; the limit is 6/);
});

test('a write past the organization byte limit is refused with 403 MB9013 and stores nothing', async () => {
  const big = { ...workspace('a', 't', 'big'), spec: { namespaceSelector: { names: ['*/' + 'n'.repeat(5000)] } } };
  const r = await refusedApply(m.adminToken, [big], 'admin', 'rejected');
  assert.equal(r.status, 403);
  assert.equal(codeOf(r), 'MB9013');
  assert.match((r.json as { message: string }).message, /bytes of objects; the limit is 4096/);
});

test('the limits are per organization: another organization still has room', async () => {
  const r = await call(m.url, 'POST', '/v2/apply', {
    token: m.adminToken,
    body: { objects: [workspace('b', 't', 'w')] },
  });
  assert.equal(r.status, 200, r.text);
});

test('a reader write is refused with 403 MB9002, audited as denied, and stores nothing', async () => {
  const reader = await tokenFor(m, 'rd', 'reader');
  const r = await refusedApply(reader, [wsSetting('a', 't', 'w', 's')], 'rd', 'denied');
  assert.equal(r.status, 403);
  assert.equal(codeOf(r), 'MB9002');
});

test('a cross-organization write is refused with 403 MB9002, audited as denied, and stores nothing', async () => {
  const scoped = await tokenFor(m, 'oa-b', 'org-admin', { organization: 'b' });
  const r = await refusedApply(scoped, [tenant('a', 'intruder')], 'oa-b', 'denied');
  assert.equal(r.status, 403);
  assert.equal(codeOf(r), 'MB9002');
});
