/** Behaviours every store backend must show, run against SQLite and PostgreSQL through the real HTTP API. */
import assert from 'node:assert/strict';
import { call, cluster, org, startTestMgmt, tenant, tokenFor, workspace, wsSetting } from './harness.js';

/** Everything written before a restart (objects, revision, status, audit, tokens) is there after it. */
export async function restartKeepsEverything(store: string | undefined): Promise<void> {
  const first = await startTestMgmt(store === undefined ? {} : { store });
  let second: Awaited<ReturnType<typeof startTestMgmt>> | undefined;
  try {
    const admin = first.adminToken;
    const reader = await tokenFor(first, 'reader-1', 'reader');
    const applied = await call(first.url, 'POST', '/v2/apply', {
      token: admin,
      body: {
        objects: [
          org('o'),
          tenant('o', 't'),
          workspace('o', 't', 'w'),
          wsSetting('o', 't', 'w', 's'),
          cluster('o', 'c1', 'n1'),
        ],
      },
    });
    assert.equal(applied.status, 200, applied.text);
    const report = await call(first.url, 'PUT', '/v2/status', {
      token: admin,
      body: {
        kind: 'WorkspaceSetting',
        fqn: 'organizations/o/tenants/t/workspaces/w/settings/s',
        clusters: { c1: { state: 'READY', message: '3 entries' } },
      },
    });
    assert.equal(report.status, 200, report.text);
    const before = await call(first.url, 'GET', '/v2/snapshot', { token: admin });
    const statusBefore = await call(first.url, 'GET', '/v2/status', { token: admin });
    const auditBefore = await first.running.deps.store.listAudit();
    await first.close({ keepHome: true });

    second = await startTestMgmt({ home: first.home, ...(store === undefined ? {} : { store }) });
    assert.equal(second.adminToken, admin, 'the admin token file is reused, not replaced');
    const after = await call(second.url, 'GET', '/v2/snapshot', { token: admin });
    assert.deepEqual(after.json, before.json, 'objects and revision survive the restart');
    const statusAfter = await call(second.url, 'GET', '/v2/status', { token: reader });
    assert.equal(statusAfter.status, 200, 'a token issued before the restart still authenticates');
    assert.deepEqual(statusAfter.json, statusBefore.json, 'status reports survive the restart');
    assert.deepEqual(await second.running.deps.store.listAudit(), auditBefore, 'the audit log survives the restart');
    const next = await call(second.url, 'POST', '/v2/apply', { token: admin, body: { objects: [tenant('o', 't2')] } });
    assert.equal((next.json as { revision: number }).revision, (before.json as { revision: number }).revision + 1);
  } finally {
    await second?.close();
    if (second === undefined) await first.close();
  }
}

/** A batch with one bad document changes nothing: objects, revision and status stay as they were. */
export async function rejectedBatchChangesNothing(store: string | undefined): Promise<void> {
  const m = await startTestMgmt(store === undefined ? {} : { store });
  try {
    const admin = m.adminToken;
    const base = [org('o'), tenant('o', 't'), workspace('o', 't', 'w')];
    assert.equal((await call(m.url, 'POST', '/v2/apply', { token: admin, body: { objects: base } })).status, 200);
    const before = await call(m.url, 'GET', '/v2/snapshot', { token: admin });

    const badField = {
      ...(wsSetting('o', 't', 'w', 's2') as Record<string, unknown>),
      metadata: { name: 's2', organization: 'o' },
    };
    const invalid = await call(m.url, 'POST', '/v2/apply', {
      token: admin,
      body: { objects: [workspace('o', 't', 'w', ['*/changed']), wsSetting('o', 't', 'w', 's1'), badField] },
    });
    assert.equal(invalid.status, 400, invalid.text);
    const body = invalid.json as { code: string; issues: { index: number; code: string; path: string }[] };
    assert.equal(body.code, 'MB9003');
    assert.deepEqual(
      body.issues.map((i) => [i.index, i.path]),
      [
        [2, 'metadata.tenant'],
        [2, 'metadata.workspace'],
      ],
    );

    const orphan = await call(m.url, 'POST', '/v2/apply', {
      token: admin,
      body: {
        objects: [workspace('o', 't', 'w', ['*/changed']), tenant('o', 't9'), wsSetting('o', 't', 'missing', 's')],
      },
    });
    assert.equal(orphan.status, 409, orphan.text);
    const orphanBody = orphan.json as { code: string; issues: { index: number; path: string; message: string }[] };
    assert.equal(orphanBody.code, 'MB9004');
    assert.equal(orphanBody.issues[0]?.index, 2);
    assert.match(
      orphanBody.issues[0]?.message ?? '',
      /needs Workspace organizations\/o\/tenants\/t\/workspaces\/missing/,
    );

    const after = await call(m.url, 'GET', '/v2/snapshot', { token: admin });
    assert.deepEqual(after.json, before.json, 'neither rejected batch changed any object or the revision');
  } finally {
    await m.close();
  }
}
