/**
 * The RBAC table of docs/rbac.md, checked cell by cell against a real server: every route x role answers with the
 * status the table gives, every mutation attempt adds exactly one audit record naming the caller and the outcome,
 * and no registered route is missing from the table.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT } from '../support/paths.js';
import { call, cluster, org, startTestMgmt, tenant, tokenFor, workspace, wsSetting } from './support/harness.js';
import type { TestMgmt } from './support/harness.js';

const ROLE_COLUMNS = ['org-admin', 'tenant-admin', 'workspace-writer', 'reader', 'anonymous'] as const;
type Column = (typeof ROLE_COLUMNS)[number];

interface Row {
  route: string;
  scenario: string;
  expected: Record<Column, number>;
}

/** Reads the route table (the one whose header starts with `| Route | Case |`) from docs/rbac.md. */
function readTable(): Row[] {
  const lines = readFileSync(join(REPO_ROOT, 'docs', 'rbac.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Route | Case |'));
  assert.ok(start >= 0, 'docs/rbac.md has the route table');
  const header = lines[start]?.split('|').map((c) => c.trim()) ?? [];
  assert.deepEqual(header.slice(3, 8), [...ROLE_COLUMNS], 'role columns in the expected order');
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    // Markdown escapes (prettier writes `/ui/\*`) are not part of the route.
    const cells = line.split('|').map((c) => c.trim().replace(/\\(.)/g, '$1'));
    const expected = Object.fromEntries(ROLE_COLUMNS.map((r, i) => [r, Number(cells[3 + i])])) as Record<
      Column,
      number
    >;
    rows.push({ route: cells[1] ?? '', scenario: cells[2] ?? '', expected });
  }
  return rows;
}

const ws = (name: string): object => wsSetting('o', 't', 'w', name);
const orgSetting = {
  apiVersion: 'api.tsb.tetrate.io/v2',
  kind: 'OrganizationSetting',
  metadata: { organization: 'o', name: 'os-new' },
  spec: { networkSettings: { networkReachability: {} } },
};

interface Case {
  method: string;
  path: string;
  body?: unknown;
  /** Objects (re)created by the admin before the request. */
  setup?: object[];
  /** Objects the admin removes after the request. */
  cleanup?: object[];
}

/** How each table row is exercised; keyed `route | case` exactly as in the table. */
const CASES: Record<string, Case> = {
  'GET /healthz | liveness': { method: 'GET', path: '/healthz' },
  'GET /openapi.json | API document': { method: 'GET', path: '/openapi.json' },
  'GET /v2/objects | list WorkspaceSettings': { method: 'GET', path: '/v2/objects?kind=WorkspaceSetting' },
  'GET /v2/objects/:kind/* | get a WorkspaceSetting': { method: 'GET', path: '/v2/objects/WorkspaceSetting/o/t/w/s' },
  'GET /v2/snapshot | snapshot': { method: 'GET', path: '/v2/snapshot' },
  'GET /v2/status | all statuses': { method: 'GET', path: '/v2/status' },
  'GET /v2/status/:kind/* | status of a Workspace': {
    method: 'GET',
    path: '/v2/status/Workspace/organizations/o/tenants/t/workspaces/w',
  },
  'GET /v2/audit | the latest audit records': { method: 'GET', path: '/v2/audit?limit=5' },
  "GET /v2/failover/events | a service's failover events and episodes": {
    method: 'GET',
    path: '/v2/failover/events?service=details.bookinfo&limit=10',
  },
  'GET /v2/failover/metrics | failover metrics (Prometheus text)': { method: 'GET', path: '/v2/failover/metrics' },
  'GET /v2/failover/drills | drill runs and their reports': { method: 'GET', path: '/v2/failover/drills?limit=5' },
  'PUT /v2/failover/drills/:id | a drill run started by the CLI': {
    method: 'PUT',
    path: '/v2/failover/drills/drill-0a1b2c3d',
    body: { service: 'details.bookinfo', cluster: 'c1', startedAtMs: Date.now(), endsAtMs: Date.now() + 60_000 },
  },
  "GET /v2/convergence | the clusters' xDS convergence": { method: 'GET', path: '/v2/convergence' },
  "PUT /v2/convergence/:cluster | a cluster's xDS convergence": {
    method: 'PUT',
    path: '/v2/convergence/c-cv',
    body: { organization: 'o', items: [] },
    setup: [cluster('o', 'c-cv', 'n-cv')],
    cleanup: [cluster('o', 'c-cv', 'n-cv')],
  },
  'GET /ui | redirect to the page': { method: 'GET', path: '/ui' },
  'GET /ui/* | the web UI page': { method: 'GET', path: '/ui/' },
  'GET /ui/api/session | who the UI is talking to': { method: 'GET', path: '/ui/api/session' },
  'GET /ui/sign-in | an unknown sign-in code': { method: 'GET', path: '/ui/sign-in?code=not-a-code' },
  'POST /v2/sign-in-codes | a web UI sign-in code for itself': { method: 'POST', path: '/v2/sign-in-codes' },
  'GET /ui/api/topology | live traffic topology': { method: 'GET', path: '/ui/api/topology' },
  'GET /ui/api/inventory | what the clusters report': { method: 'GET', path: '/ui/api/inventory' },
  // The cluster has no kubeconfig here: the report comes back with a warning that it could not be read.
  'GET /ui/api/failover | failover of a service': {
    method: 'GET',
    path: '/ui/api/failover?service=details&namespace=bookinfo&from=c-fo',
    setup: [cluster('o', 'c-fo', 'n-fo')],
    cleanup: [cluster('o', 'c-fo', 'n-fo')],
  },
  'POST /v2/apply | a new Organization': {
    method: 'POST',
    path: '/v2/apply',
    body: [org('o-new')],
    cleanup: [org('o-new')],
  },
  'POST /v2/apply | a Cluster': {
    method: 'POST',
    path: '/v2/apply',
    body: [cluster('o', 'c9', 'n9')],
    cleanup: [cluster('o', 'c9', 'n9')],
  },
  'POST /v2/apply | an OrganizationSetting': {
    method: 'POST',
    path: '/v2/apply',
    body: [orgSetting],
    cleanup: [orgSetting],
  },
  'POST /v2/apply | its own Tenant': { method: 'POST', path: '/v2/apply', body: [tenant('o', 't')] },
  'POST /v2/apply | another Tenant': {
    method: 'POST',
    path: '/v2/apply',
    body: [tenant('o', 't3')],
    cleanup: [tenant('o', 't3')],
  },
  'POST /v2/apply | a Workspace of its tenant': {
    method: 'POST',
    path: '/v2/apply',
    body: [workspace('o', 't', 'w3')],
    cleanup: [workspace('o', 't', 'w3')],
  },
  'POST /v2/apply | a WorkspaceSetting of its workspace': {
    method: 'POST',
    path: '/v2/apply',
    body: [ws('s-new')],
    cleanup: [ws('s-new')],
  },
  'POST /v2/apply | a WorkspaceSetting of another workspace of its tenant': {
    method: 'POST',
    path: '/v2/apply',
    body: [wsSetting('o', 't', 'w2', 's-new')],
    cleanup: [wsSetting('o', 't', 'w2', 's-new')],
  },
  'POST /v2/apply | a WorkspaceSetting of another tenant': {
    method: 'POST',
    path: '/v2/apply',
    body: [wsSetting('o', 't2', 'x', 's-new')],
    cleanup: [wsSetting('o', 't2', 'x', 's-new')],
  },
  "POST /v2/apply | its WorkspaceSetting together with another tenant's": {
    method: 'POST',
    path: '/v2/apply',
    body: [ws('s-new'), wsSetting('o', 't2', 'x', 's-new')],
    cleanup: [ws('s-new'), wsSetting('o', 't2', 'x', 's-new')],
  },
  'POST /v2/delete | a WorkspaceSetting of its workspace': {
    method: 'POST',
    path: '/v2/delete',
    setup: [ws('s-del')],
    body: [ws('s-del')],
    cleanup: [ws('s-del')],
  },
  'POST /v2/delete | an empty Workspace of its tenant': {
    method: 'POST',
    path: '/v2/delete',
    setup: [workspace('o', 't', 'w-del')],
    body: [workspace('o', 't', 'w-del')],
    cleanup: [workspace('o', 't', 'w-del')],
  },
  'POST /v2/delete | a Cluster': {
    method: 'POST',
    path: '/v2/delete',
    setup: [cluster('o', 'c-del', 'n')],
    body: [cluster('o', 'c-del', 'n')],
    cleanup: [cluster('o', 'c-del', 'n')],
  },
  'PUT /v2/status | a report for a WorkspaceSetting': {
    method: 'PUT',
    path: '/v2/status',
    body: {
      kind: 'WorkspaceSetting',
      fqn: 'organizations/o/tenants/t/workspaces/w/settings/s',
      clusters: { c1: { state: 'READY', message: '' } },
    },
  },
};

const BASE = [
  org('o'),
  tenant('o', 't'),
  workspace('o', 't', 'w'),
  ws('s'),
  workspace('o', 't', 'w2'),
  tenant('o', 't2'),
  workspace('o', 't2', 'x'),
  cluster('o', 'c1', 'n1'),
];

let m: TestMgmt;
const tokens: Partial<Record<Column, { token: string; name: string }>> = {};

before(async () => {
  m = await startTestMgmt();
  const applied = await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: BASE } });
  assert.equal(applied.status, 200, applied.text);
  tokens['org-admin'] = { token: m.adminToken, name: 'admin' };
  tokens['tenant-admin'] = {
    token: await tokenFor(m, 'ta', 'tenant-admin', { organization: 'o', tenant: 't' }),
    name: 'ta',
  };
  tokens['workspace-writer'] = {
    token: await tokenFor(m, 'ww', 'workspace-writer', { organization: 'o', tenant: 't', workspace: 'w' }),
    name: 'ww',
  };
  tokens.reader = { token: await tokenFor(m, 'rd', 'reader'), name: 'rd' };
});
after(async () => {
  await m?.close();
});

const OUTCOME: Record<number, string> = { 200: 'success', 403: 'denied', 401: 'unauthenticated' };

test('every route of the server appears in the docs/rbac.md table, and every table row names a route', () => {
  const documented = new Set(readTable().map((r) => r.route));
  const registered = new Set(m.running.app.mgmtRoutes);
  assert.deepEqual(
    [...registered].filter((r) => !documented.has(r)),
    [],
    'routes missing from docs/rbac.md',
  );
  assert.deepEqual(
    [...documented].filter((r) => !registered.has(r)),
    [],
    'table rows for routes that do not exist',
  );
});

for (const row of readTable()) {
  test(`${row.route} (${row.scenario}) answers per role as docs/rbac.md says, auditing each mutation once`, async () => {
    const c = CASES[`${row.route} | ${row.scenario}`];
    assert.ok(c !== undefined, `no test case for table row "${row.route} | ${row.scenario}"`);
    const isMutation = c.method !== 'GET';
    const store = m.running.deps.store;
    for (const role of ROLE_COLUMNS) {
      const admin = m.adminToken;
      if (c.setup)
        assert.equal(
          (await call(m.url, 'POST', '/v2/apply', { token: admin, body: { objects: c.setup } })).status,
          200,
        );
      const who = tokens[role as Exclude<Column, 'anonymous'>];
      const auditBefore = (await store.listAudit()).length;
      const body = c.body === undefined ? undefined : Array.isArray(c.body) ? { objects: c.body } : c.body;
      const reply = await call(m.url, c.method, c.path, {
        ...(who === undefined ? {} : { token: who.token }),
        ...(body === undefined ? {} : { body }),
      });
      assert.equal(reply.status, row.expected[role], `${role}: ${reply.text.slice(0, 300)}`);
      const audit = await store.listAudit();
      assert.equal(audit.length - auditBefore, isMutation ? 1 : 0, `${role}: audit records added`);
      if (isMutation) {
        const rec = audit[audit.length - 1];
        assert.equal(rec?.actor, who?.name ?? 'anonymous');
        assert.equal(rec?.outcome, OUTCOME[reply.status]);
      }
      if (c.cleanup) {
        const res = await call(m.url, 'POST', '/v2/delete', {
          token: admin,
          body: { objects: c.cleanup, ignoreNotFound: true },
        });
        assert.equal(res.status, 200, res.text);
      }
    }
  });
}

test('an org-admin scoped to one organization may write inside it, is refused (403, audited) elsewhere, and cannot read the audit log', async () => {
  const scoped = await tokenFor(m, 'oa-o', 'org-admin', { organization: 'o' });
  const inside = await call(m.url, 'POST', '/v2/apply', { token: scoped, body: { objects: [tenant('o', 't7')] } });
  assert.equal(inside.status, 200, inside.text);
  const before = (await m.running.deps.store.listAudit()).length;
  const outside = await call(m.url, 'POST', '/v2/apply', { token: scoped, body: { objects: [org('other')] } });
  assert.equal(outside.status, 403);
  assert.equal((outside.json as { code: string }).code, 'MB9002');
  const audit = await m.running.deps.store.listAudit();
  assert.equal(audit.length, before + 1);
  assert.equal(audit.at(-1)?.outcome, 'denied');
  assert.equal(audit.at(-1)?.actor, 'oa-o');
  const log = await call(m.url, 'GET', '/v2/audit?limit=2', { token: m.adminToken });
  assert.equal(log.status, 200);
  const records = (log.json as { records: { actor: string; action: string; outcome: string; target: string }[] })
    .records;
  assert.deepEqual(
    records.map((r) => [r.actor, r.action, r.outcome, r.target]),
    [
      ['oa-o', 'apply', 'success', 'Tenant/organizations/o/tenants/t7'],
      ['oa-o', 'apply', 'denied', 'Organization/organizations/other'],
    ],
    'GET /v2/audit returns the latest records, oldest first',
  );
  assert.equal((await call(m.url, 'GET', '/v2/audit', { token: scoped })).status, 403);
  assert.equal((await call(m.url, 'GET', '/v2/audit?limit=0', { token: m.adminToken })).status, 400);
});
