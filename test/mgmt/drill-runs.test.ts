/**
 * Failover drill runs through the management plane: reported with PUT /v2/failover/drills/{id} at a run's start and
 * end, read back with GET /v2/failover/drills with a report built from the flight recorders' events (pulled from a
 * real recorder on a real socket), on SQLite and PostgreSQL. Only an org-admin of the drill's organization may
 * write a run; every refusal leaves the store as it was.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { after } from 'node:test';
import { startMetrics } from '../../src/dataplane/admin.js';
import { FlightRecorder } from '../../src/dataplane/recorder/flight-recorder.js';
import { ProxyMetrics } from '../../src/dataplane/sidecar/metrics.js';
import type { DrillReport, DrillRun } from '../../src/mgmt/failover/drill-run.js';
import { FailoverEventPuller } from '../../src/mgmt/failover/puller.js';
import { call, startTestMgmt, tokenFor } from './support/harness.js';
import { describeOnBothStores } from './support/postgres.js';

const UP = 'outbound|9080||details.bookinfo.svc.cluster.local';
const DRILL = 'organizations/tetrate/tenants/bookinfo/workspaces/bookinfo-ws/failoverdrills/weekly';

const servers: http.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function serveRecorder(recorder: FlightRecorder, pod: string): Promise<string> {
  const source = { cluster: 'cluster-1', namespace: 'bookinfo', pod, workload: 'productpage-v1' };
  const server = await startMetrics(new ProxyMetrics(), '127.0.0.1', 0, { recorder, source });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/failover/events`;
}

type Listed = { drills: (DrillRun & { report: DrillReport })[] };

async function scenario(store: string | undefined): Promise<void> {
  const m = await startTestMgmt(store ? { store } : {});
  try {
    const started = Date.now();
    const put = (id: string, body: object, token = m.adminToken) =>
      call(m.url, 'PUT', `/v2/failover/drills/${id}`, { token, body });
    const run = { service: 'details.bookinfo', cluster: 'cluster-1', drill: DRILL, startedAtMs: started };
    const start = await put('weekly-abc', { ...run, endsAtMs: started + 5000 });
    assert.equal(start.status, 200, start.text);
    assert.equal((start.json as DrillRun).service, 'details.bookinfo.svc.cluster.local');

    // Two clients in cluster-1 fail over during the run and come back after it.
    const recorders = [0, 1].map(() => new FlightRecorder({ cluster: 'cluster-1', settleMs: 0 }));
    const urls = await Promise.all(recorders.map((r, i) => serveRecorder(r, `productpage-v1-${i}`)));
    for (const r of recorders) {
      r.answered(UP, 200, 'cluster-1');
      r.emit({ kind: 'priority-shift', upstream: UP, loadBefore: [100, 0], loadAfter: [100] });
      r.answered(UP, 200, 'cluster-2');
    }
    recorders[1]!.answered(UP, 503, undefined);
    const pull = () => new FailoverEventPuller({ targets: () => urls, store: m.running.deps.store }).pullOnce();
    await pull();
    let listed = (await call(m.url, 'GET', '/v2/failover/drills', { token: m.adminToken })).json as Listed;
    assert.equal(listed.drills.length, 1);
    assert.equal(listed.drills[0]?.report.episodes.length, 2, 'both clients failed over');
    assert.equal(listed.drills[0]?.report.open, 2, 'and are not back yet');
    assert.equal(listed.drills[0]?.report.timeToFailbackMs, undefined);

    const end = await put('weekly-abc', { ...run, endsAtMs: started + 5000, endedAtMs: Date.now(), endReason: 'done' });
    assert.equal(end.status, 200, end.text);
    for (const r of recorders) {
      r.emit({ kind: 'priority-shift', upstream: UP, loadBefore: [100], loadAfter: [100, 0] });
      r.answered(UP, 200, 'cluster-1');
    }
    await pull();
    listed = (
      await call(m.url, 'GET', '/v2/failover/drills?service=details.bookinfo&cluster=cluster-1', {
        token: m.adminToken,
      })
    ).json as Listed;
    const report = listed.drills[0]!.report;
    assert.equal(listed.drills[0]?.endReason, 'done');
    assert.equal(report.open, 0);
    assert.equal(report.requestsFailed, 1, 'the one 503 of the second client');
    assert.ok(report.timeToFailoverMs !== undefined && report.timeToFailoverMs >= 0);
    assert.ok(report.timeToFailbackMs !== undefined && report.timeToFailbackMs >= 0);

    // A later report of the start (a controller restart) does not undo the end.
    assert.equal((await put('weekly-abc', { ...run, endsAtMs: started + 5000 })).status, 200);
    const again = (await call(m.url, 'GET', '/v2/failover/drills', { token: m.adminToken })).json as Listed;
    assert.equal(again.drills[0]?.endReason, 'done');

    // A manual run (no FailoverDrill), newest first; filters.
    assert.equal(
      (
        await put('drill-1234abcd', {
          service: 'reviews.bookinfo',
          cluster: 'cluster-2',
          startedAtMs: started + 1,
          endsAtMs: started + 2000,
        })
      ).status,
      200,
    );
    const all = (await call(m.url, 'GET', '/v2/failover/drills', { token: m.adminToken })).json as Listed;
    assert.deepEqual(
      all.drills.map((d) => d.id),
      ['drill-1234abcd', 'weekly-abc'],
    );
    const other = (await call(m.url, 'GET', '/v2/failover/drills?cluster=cluster-2', { token: m.adminToken }))
      .json as Listed;
    assert.deepEqual(
      other.drills.map((d) => [d.id, d.report.episodes.length]),
      [['drill-1234abcd', 0]],
    );

    // Refusals: each answers a located error and stores nothing.
    const reader = await tokenFor(m, 'r', 'reader');
    const otherOrg = await tokenFor(m, 'o', 'org-admin', { organization: 'other' });
    const tenantAdmin = await tokenFor(m, 't', 'tenant-admin', { organization: 'tetrate', tenant: 'bookinfo' });
    const fresh = { ...run, startedAtMs: started, endsAtMs: started + 1000 };
    const refused: [string, object, string, number, RegExp][] = [
      ['x-1', fresh, reader, 403, /MB9002/],
      ['x-2', fresh, otherOrg, 403, /MB9002/],
      ['x-3', { ...fresh, drill: undefined }, tenantAdmin, 403, /MB9002/],
      ['x-4', { ...fresh, drill: 'organizations/tetrate/clusters/c' }, m.adminToken, 400, /not a FailoverDrill fqn/],
      ['x-5', { ...fresh, endsAtMs: started + 25 * 3600_000 }, m.adminToken, 400, /24 h at most/],
      ['x-6', { ...fresh, startedAtMs: started - 2 * 86_400_000 }, m.adminToken, 400, /a day away/],
      ['x-7', { ...fresh, endedAtMs: started + 3600_000 }, m.adminToken, 400, /between startedAtMs and now/],
      ['x-8', { ...fresh, service: 'details' }, m.adminToken, 400, /SERVICE\.NAMESPACE/],
      ['x-9', { ...fresh, extra: 1 }, m.adminToken, 400, /MB9007/],
      ['Bad_Id', fresh, m.adminToken, 400, /MB9007/],
      ['weekly-abc', { ...fresh, cluster: 'cluster-2' }, m.adminToken, 400, /exists with another/],
    ];
    for (const [id, body, token, status, message] of refused) {
      const reply = await put(id, body, token);
      assert.equal(reply.status, status, `${id}: ${reply.text}`);
      assert.match(reply.text, message, id);
    }
    const after = (await call(m.url, 'GET', '/v2/failover/drills?limit=200', { token: m.adminToken })).json as Listed;
    assert.deepEqual(
      after.drills.map((d) => [d.id, d.cluster]),
      [
        ['drill-1234abcd', 'cluster-2'],
        ['weekly-abc', 'cluster-1'],
      ],
    );
    for (const q of ['limit=0', 'limit=201', 'cluster=Bad', 'service=details', 'other=1']) {
      const reply = await call(m.url, 'GET', `/v2/failover/drills?${q}`, { token: m.adminToken });
      assert.equal(reply.status, 400, `${q}: ${reply.text}`);
    }
    assert.equal((await call(m.url, 'GET', '/v2/failover/drills')).status, 401);
  } finally {
    await m.close();
  }
}

describeOnBothStores(
  'failover drill runs through the management plane',
  'runs reported at start and end, listed newest first with their reports; refusals store nothing',
  scenario,
);
