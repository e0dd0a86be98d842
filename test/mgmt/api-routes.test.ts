import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { EXAMPLES } from '../support/paths.js';
import { call, cluster, org, startTestMgmt, tenant, workspace, wsSetting } from './support/harness.js';
import type { TestMgmt } from './support/harness.js';

let m: TestMgmt;
let admin: string;
before(async () => {
  m = await startTestMgmt();
  admin = m.adminToken;
});
after(async () => {
  await m?.close();
});

const apply = (objects: unknown[]) => call(m.url, 'POST', '/v2/apply', { token: admin, body: { objects } });
const results = (r: { json: unknown }) => (r.json as { results: { result: string }[] }).results.map((x) => x.result);

/** The WorkspaceSetting example (organization tetrate, tenant demo), as a user applies it. */
function exampleSetting(): Record<string, unknown> & { metadata: Record<string, unknown> } {
  return parse(readFileSync(join(EXAMPLES, 'workspace-setting.yaml'), 'utf8')) as Record<string, unknown> & {
    metadata: Record<string, unknown>;
  };
}

test('the WorkspaceSetting example is created, then unchanged, then configured', async () => {
  const seed = exampleSetting();
  const base = [org('tetrate'), tenant('tetrate', 'demo'), workspace('tetrate', 'demo', 'bookinfo-ws')];
  const first = await apply([...base, seed]);
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(results(first), ['created', 'created', 'created', 'created']);
  assert.deepEqual(results(await apply([seed])), ['unchanged']);
  const changed = {
    ...seed,
    spec: { defaultEastWestGatewaySettings: [{ workloadSelector: { namespace: 'bookinfo', labels: { app: 'ew2' } } }] },
  };
  assert.deepEqual(results(await apply([changed])), ['configured']);
  const got = await call(m.url, 'GET', '/v2/objects/WorkspaceSetting/tetrate/demo/bookinfo-ws/bookinfo-ws-setting', {
    token: admin,
  });
  assert.equal(got.status, 200);
  const obj = got.json as { spec: unknown; metadata: { resourceVersion: string } };
  assert.deepEqual(obj.spec, changed.spec);
  assert.match(obj.metadata.resourceVersion, /^\d+$/);
  assert.deepEqual(results(await apply([got.json])), ['unchanged'], 'an object read back applies as unchanged');
});

test('unexpanded ${ORG} placeholders and missing hierarchy fields are reported per document with code and path', async () => {
  // The setting as a shell template would hold it, placeholders not filled in.
  const example = exampleSetting();
  const raw = { ...example, metadata: { ...example.metadata, organization: '${ORG}', tenant: '${TEN}' } };
  const r = await apply([
    org('ok'),
    raw,
    { apiVersion: 'api.tsb.tetrate.io/v2', kind: 'Workspace', metadata: { name: 'w' } },
  ]);
  assert.equal(r.status, 400);
  const body = r.json as {
    code: string;
    issues: { index: number; code: string; severity: string; path: string; message: string }[];
  };
  assert.equal(body.code, 'MB9003');
  assert.deepEqual(
    body.issues.map((i) => `${i.index} ${i.code} ${i.path}`),
    [
      '1 MB0107 metadata.organization',
      '1 MB0107 metadata.tenant',
      '1 MB0205 metadata.organization',
      '1 MB0205 metadata.tenant',
      '2 MB0102 metadata.organization',
      '2 MB0102 metadata.tenant',
      '2 MB0102 spec',
    ],
  );
  assert.match(body.issues[2]?.message ?? '', /\$\{ORG\} was not substituted/);
  assert.equal(body.issues[2]?.severity, 'warning', 'the placeholder hint travels with the errors as a warning');
  const listed = await call(m.url, 'GET', '/v2/objects?kind=Organization&name=ok', { token: admin });
  assert.deepEqual(
    (listed.json as { objects: unknown[] }).objects,
    [],
    'the valid document of the batch was not applied',
  );
});

test('a cluster kind sent to the management plane is refused with a hint to use --cluster', async () => {
  const gw = parse(readFileSync(join(EXAMPLES, 'eastwest-gateway.yaml'), 'utf8')) as unknown;
  const r = await apply([gw]);
  assert.equal(r.status, 400);
  assert.match(r.text, /cluster kind.*--cluster/);
});

test('a batch may list children before their parents', async () => {
  const r = await apply([workspace('b', 't', 'w'), tenant('b', 't'), org('b')]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(results(r), ['created', 'created', 'created']);
});

test('list filters by kind (short names too) and hierarchy; get of a missing object is 404', async () => {
  await apply([org('l'), tenant('l', 't1'), tenant('l', 't2'), workspace('l', 't1', 'w'), cluster('l', 'c1', 'n1')]);
  const names = async (q: string) =>
    (
      (await call(m.url, 'GET', `/v2/objects?${q}`, { token: admin })).json as {
        objects: { metadata: { name: string } }[];
      }
    ).objects.map((o) => o.metadata.name);
  assert.deepEqual(await names('kind=Tenant&organization=l'), ['t1', 't2']);
  assert.deepEqual(await names('kind=tn&organization=l&name=t2'), ['t2']);
  assert.deepEqual(await names('kind=cl&organization=l'), ['c1']);
  const missing = await call(m.url, 'GET', '/v2/objects/Tenant/l/none', { token: admin });
  assert.equal(missing.status, 404);
  assert.equal((missing.json as { code: string }).code, 'MB9005');
  const badPath = await call(m.url, 'GET', '/v2/objects/Tenant/l/t1/extra', { token: admin });
  assert.equal(badPath.status, 400);
  const badKind = await call(m.url, 'GET', '/v2/objects?kind=Deployment', { token: admin });
  assert.equal(badKind.status, 400);
});

test('delete refuses a parent that still has children, accepts it together with them, and 404s on a missing object', async () => {
  await apply([org('d'), tenant('d', 't'), workspace('d', 't', 'w'), wsSetting('d', 't', 'w', 's')]);
  const del = (objects: unknown[], ignoreNotFound = false) =>
    call(m.url, 'POST', '/v2/delete', { token: admin, body: { objects, ignoreNotFound } });
  const refused = await del([{ kind: 'Tenant', organization: 'd', name: 't' }]);
  assert.equal(refused.status, 409);
  assert.match(
    (refused.json as { message: string }).message,
    /still has Workspace\/organizations\/d\/tenants\/t\/workspaces\/w/,
  );
  const missing = await del([wsSetting('d', 't', 'w', 'nope')]);
  assert.equal(missing.status, 404);
  const ok = await del([
    tenant('d', 't'),
    { kind: 'Workspace', organization: 'd', tenant: 't', name: 'w' },
    wsSetting('d', 't', 'w', 's'),
  ]);
  assert.equal(ok.status, 200, ok.text);
  const items = (ok.json as { results: { kind: string; result: string }[] }).results;
  assert.deepEqual(
    items.map((i) => `${i.kind} ${i.result}`),
    ['WorkspaceSetting deleted', 'Workspace deleted', 'Tenant deleted'],
  );
  const again = await del([tenant('d', 't')], true);
  assert.deepEqual(
    (again.json as { results: { result: string }[] }).results.map((i) => i.result),
    ['not-found'],
  );
});

test('concurrent applies each get their own revision and none is lost', async () => {
  await apply([org('c')]);
  const start = (await call(m.url, 'GET', '/v2/snapshot', { token: admin })).json as { revision: number };
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => apply([tenant('c', `t${i}`)])));
  const revisions = replies.map((r) => (r.json as { revision: number }).revision).sort((a, b) => a - b);
  assert.deepEqual(
    revisions,
    Array.from({ length: 20 }, (_, i) => start.revision + 1 + i),
  );
  const listed = await call(m.url, 'GET', '/v2/objects?kind=Tenant&organization=c', { token: admin });
  assert.equal((listed.json as { objects: unknown[] }).objects.length, 20);
});

test('the OpenAPI document lists every route and a schema per management-plane kind; /healthz needs no token', async () => {
  const doc = (await call(m.url, 'GET', '/openapi.json')).json as {
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> };
  };
  for (const p of ['/v2/apply', '/v2/delete', '/v2/objects', '/v2/snapshot', '/v2/status', '/healthz']) {
    assert.ok(doc.paths[p] !== undefined, `path ${p} documented`);
  }
  for (const k of [
    'Organization',
    'Tenant',
    'Workspace',
    'WorkspaceSetting',
    'OrganizationSetting',
    'Cluster',
    'Error',
  ]) {
    assert.ok(doc.components.schemas[k] !== undefined, `schema ${k}`);
  }
  const health = await call(m.url, 'GET', '/healthz');
  assert.deepEqual(health.json, { ok: true, store: 'sqlite' });
});

test('unparsable JSON is a 400 with a stable code and is still audited once', async () => {
  const before = (await m.running.deps.store.listAudit()).length;
  const r = await call(m.url, 'POST', '/v2/apply', { token: admin, raw: '{"objects": [' });
  assert.equal(r.status, 400);
  assert.equal((r.json as { code: string }).code, 'MB9011');
  assert.match((r.json as { message: string }).message, /^body:1:14 at objects\[0\]: unexpected end of input$/);
  const audit = await m.running.deps.store.listAudit();
  assert.equal(audit.length, before + 1);
  assert.equal(audit.at(-1)?.outcome, 'rejected');
});

test('a body over the 5 MiB limit (the limit of `meshbridge validate`) is refused with 413 before it is parsed', async () => {
  const big = JSON.stringify({ objects: [{ kind: 'Tenant', pad: 'x'.repeat(5 * 1024 * 1024) }] });
  const r = await call(m.url, 'POST', '/v2/apply', { token: admin, raw: big });
  assert.equal(r.status, 413);
  assert.equal((r.json as { code: string }).code, 'MB9010');
});
