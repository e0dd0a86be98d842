/** The management API validates every field through the resource model, not only the hierarchy fields. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, org, startTestMgmt } from './support/harness.js';
import type { TestMgmt } from './support/harness.js';

let m: TestMgmt;
before(async () => {
  m = await startTestMgmt();
  assert.equal(
    (await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [org('o')] } })).status,
    200,
  );
});
after(() => m?.close());

test('an OrganizationSetting whose network list is not network names is refused with the field path', async () => {
  const setting = {
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'OrganizationSetting',
    metadata: { organization: 'o', name: 'default' },
    spec: { networkSettings: { networkReachability: { 'n-1': 'n-2,not a network!' } } },
  };
  const r = await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [setting] } });
  assert.equal(r.status, 400, r.text);
  const body = r.json as { code: string; issues: { index: number; path: string; message: string }[] };
  assert.equal(body.code, 'MB9003');
  assert.deepEqual(
    body.issues.map((i) => [i.index, i.path]),
    [[0, 'spec.networkSettings.networkReachability.n-1']],
  );
  const listed = await call(m.url, 'GET', '/v2/objects?kind=OrganizationSetting', { token: m.adminToken });
  assert.deepEqual((listed.json as { objects: unknown[] }).objects, [], 'nothing stored');
});

test('an unknown field is refused too (the model is strict)', async () => {
  const bad = { ...org('o2'), spec: { displayName: 'x', colour: 'blue' } };
  const r = await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [bad] } });
  assert.equal(r.status, 400, r.text);
  assert.ok(
    (r.json as { issues: { path: string }[] }).issues.some((i) => i.path.includes('colour')),
    r.text,
  );
});
