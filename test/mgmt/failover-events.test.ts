/**
 * The failover flight recorder from a proxy's ring to the management plane's timelines: a real FlightRecorder
 * served by the proxy's metrics server on a real socket, pulled into the SQLite and PostgreSQL stores, read back
 * through GET /v2/failover/events and /v2/failover/metrics with a token. Nothing is lost or stored twice across a
 * management-plane restart or a proxy restart.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMetrics } from '../../src/dataplane/admin.js';
import { FAILOVER_EVENT_KINDS, FlightRecorder } from '../../src/dataplane/recorder/flight-recorder.js';
import { ProxyMetrics } from '../../src/dataplane/sidecar/metrics.js';
import type { StoredEvent } from '../../src/mgmt/failover/event.js';
import { EVENT_KINDS, EventPageError, parsePage } from '../../src/mgmt/failover/event.js';
import type { Episode } from '../../src/mgmt/failover/episodes.js';
import { FailoverEventPuller } from '../../src/mgmt/failover/puller.js';
import { call, startTestMgmt } from './support/harness.js';
import { startTestPostgres } from './support/postgres.js';
import type { TestPostgres } from './support/postgres.js';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/paths.js';

const UP = 'outbound|9080||details.bookinfo.svc.cluster.local';
const SOURCE = { cluster: 'cluster-1', namespace: 'bookinfo', pod: 'productpage-v1-x', workload: 'productpage-v1' };

const servers: http.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A proxy's recorder served on 127.0.0.1 the way a sidecar serves it; returns its events URL. */
async function serveRecorder(recorder: FlightRecorder): Promise<string> {
  const server = await startMetrics(new ProxyMetrics(), '127.0.0.1', 0, { recorder, source: SOURCE });
  servers.push(server);
  const port = (server.address() as { port: number }).port;
  return `http://127.0.0.1:${port}/failover/events`;
}

/** A failover as a proxy records it: the local copy leaves, a remote answer, the local copy returns, a failback. */
function failover(r: FlightRecorder): void {
  r.answered(UP, 200, 'cluster-1');
  r.emit({ kind: 'priority-shift', upstream: UP, loadBefore: [100, 0], loadAfter: [100] });
  r.answered(UP, 503, undefined);
  r.answered(UP, 200, 'cluster-2');
}
function failback(r: FlightRecorder): void {
  r.emit({ kind: 'priority-shift', upstream: UP, loadBefore: [100], loadAfter: [100, 0] });
  r.answered(UP, 200, 'cluster-1');
}

interface EventsReply {
  events: StoredEvent[];
  episodes: Episode[];
}

async function scenario(store: string | undefined): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'mb-fr-events-'));
  const recorder = new FlightRecorder({ cluster: 'cluster-1', settleMs: 0 });
  const url = await serveRecorder(recorder);
  failover(recorder);

  let m = await startTestMgmt({ home, ...(store ? { store } : {}) });
  const pull = (): Promise<number> =>
    new FailoverEventPuller({ targets: () => [url], store: m.running.deps.store }).pullOnce();
  try {
    assert.equal(await pull(), 2, 'the shift and the remote answer are stored');
    await m.close({ keepHome: true });

    // While the management plane is down the proxy keeps recording; a new one resumes where the store ends.
    failback(recorder);
    m = await startTestMgmt({ home, ...(store ? { store } : {}) });
    assert.equal(await pull(), 2, 'only the two events recorded meanwhile are new');
    assert.equal(await pull(), 0, 'a repeated pull stores nothing twice');

    const reply = await call(m.url, 'GET', '/v2/failover/events?service=details.bookinfo', { token: m.adminToken });
    assert.equal(reply.status, 200, reply.text);
    const body = reply.json as EventsReply;
    assert.deepEqual(
      body.events.map((e) => [e.seq, e.kind]),
      [
        [1, 'priority-shift'],
        [2, 'served-remote'],
        [3, 'priority-shift'],
        [4, 'failback'],
      ],
    );
    assert.equal(body.episodes.length, 1);
    const ep = body.episodes[0]!;
    assert.deepEqual(
      [ep.from, ep.to, ep.trigger.kind, ep.requestsFailed, ep.open],
      ['cluster-1', 'cluster-2', 'priority-shift', 1, false],
    );
    assert.ok(ep.timeToFailoverMs >= 0 && ep.timeToFailoverMs < 5000, `time to fail over ${ep.timeToFailoverMs}`);
    assert.ok(ep.timeToFailbackMs !== undefined && ep.timeToFailbackMs >= 0);

    // The proxy restarts: a new boot whose sequence starts again at 1 is stored beside the old one.
    const restarted = new FlightRecorder({ cluster: 'cluster-1', settleMs: 0 });
    const url2 = await serveRecorder(restarted);
    failover(restarted);
    assert.equal(await new FailoverEventPuller({ targets: () => [url2], store: m.running.deps.store }).pullOnce(), 2);
    const all = (
      await call(m.url, 'GET', '/v2/failover/events?service=details.bookinfo.svc.cluster.local&cluster=cluster-1', {
        token: m.adminToken,
      })
    ).json as EventsReply;
    assert.equal(all.events.length, 6);
    assert.deepEqual(
      all.episodes.map((e) => e.open),
      [false, true],
    );
    const other = (await call(m.url, 'GET', '/v2/failover/events?cluster=cluster-2', { token: m.adminToken }))
      .json as EventsReply;
    assert.equal(other.events.length, 0);

    // The CLI reads the same through the API (the home's mgmt.json and admin token).
    const cli = await promisify(execFile)(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'meshbridge.js'), 'history', 'details.bookinfo', '--cluster', 'cluster-1'],
      { env: { ...process.env, MESHBRIDGE_HOME: home } },
    );
    const out = cli.stdout.split('\n');
    assert.equal(out[0], 'details.bookinfo: 2 failover episodes (from 6 recorded events)');
    assert.match(out[1] ?? '', /^STARTED\s+CLIENT\s+TRIGGER\s+FROM\s+TO\s+TIME TO FAIL OVER\s+REQUESTS FAILED/);
    assert.match(
      out[2] ?? '',
      /cluster-1\/productpage-v1-x\s+priority-shift\s+cluster-1\s+cluster-2\s+\d+ms\s+1\s+\d+ms/,
    );
    assert.match(out[3] ?? '', /still failed over$/);
    const bad = await promisify(execFile)(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'meshbridge.js'), 'history', 'details'],
      { env: { ...process.env, MESHBRIDGE_HOME: home } },
    ).catch((e: { code: number; stderr: string }) => e);
    assert.equal((bad as { code: number }).code, 1);
    assert.match((bad as { stderr: string }).stderr, /MB9007.*service must be SERVICE\.NAMESPACE/);

    const metrics = await call(m.url, 'GET', '/v2/failover/metrics', { token: m.adminToken });
    assert.equal(metrics.status, 200);
    assert.match(
      metrics.text,
      /meshbridge_failover_events_total\{kind="served-remote",service="details.bookinfo.svc.cluster.local",cluster="cluster-1"\} 2/,
    );
    assert.match(
      metrics.text,
      /meshbridge_failover_duration_seconds_count\{service="details.bookinfo.svc.cluster.local",cluster="cluster-1",phase="failover"\} 2/,
    );
    assert.match(metrics.text, /meshbridge_failover_duration_seconds_count\{[^}]*phase="failback"\} 1/);
  } finally {
    await m.close();
  }
}

describe('failover events through the management plane', () => {
  it('SQLite: pulled from a proxy, kept across a management-plane restart and a proxy restart, read back once each', async () => {
    await scenario(undefined);
  });

  describe('PostgreSQL', () => {
    let pg: TestPostgres;
    before(async () => {
      pg = await startTestPostgres();
    });
    after(async () => {
      await pg?.stop();
    });
    it('the same with the PostgreSQL store', async () => {
      await scenario(await pg.createDatabase());
    });
  });

  it('GET /v2/failover/events needs a token and answers a located 400 for bad parameters', async () => {
    const m = await startTestMgmt();
    try {
      assert.equal((await call(m.url, 'GET', '/v2/failover/events')).status, 401);
      assert.equal((await call(m.url, 'GET', '/v2/failover/metrics')).status, 401);
      for (const [q, text] of [
        ['service=details', 'service must be SERVICE.NAMESPACE'],
        ['service=Details.bookinfo', 'service must be SERVICE.NAMESPACE'],
        ['cluster=-x', 'cluster must be a DNS-1123 label'],
        ['limit=0', 'limit must be an integer from 1 to 10000'],
        ['limit=10001', 'limit must be an integer from 1 to 10000'],
        ['since=yesterday', 'since must be an integer'],
      ] as const) {
        const r = await call(m.url, 'GET', `/v2/failover/events?${q}`, { token: m.adminToken });
        assert.equal(r.status, 400, q);
        assert.equal((r.json as { code: string }).code, 'MB9007', q);
        assert.ok(r.text.includes(text), `${q}: ${r.text}`);
      }
    } finally {
      await m.close();
    }
  });

  it('the management plane accepts exactly the event kinds the proxies record', () => {
    assert.deepEqual([...EVENT_KINDS], [...FAILOVER_EVENT_KINDS]);
  });

  it('a proxy answer with a bad field is refused, naming the field, and nothing is stored', async () => {
    const good = {
      source: SOURCE,
      boot: 'b',
      last: 1,
      lost: 0,
      events: [{ seq: 1, atMs: 5, kind: 'ejection', upstream: UP, failed: 0, answered: 0 }],
    };
    assert.equal(parsePage(good).events[0]?.service, 'details.bookinfo.svc.cluster.local');
    const bad: Array<[unknown, string]> = [
      [{ ...good, events: [{ ...good.events[0], kind: 'explosion' }] }, '$.events[0].kind'],
      [{ ...good, events: [{ ...good.events[0], seq: -1 }] }, '$.events[0].seq'],
      [{ ...good, events: [{ ...good.events[0], loadAfter: [101] }] }, '$.events[0].loadAfter'],
      [{ ...good, source: { ...SOURCE, pod: '' } }, '$.source.pod'],
      [{ ...good, events: Array.from({ length: 1001 }, () => good.events[0]) }, '$.events'],
      ['[]', '$'],
    ];
    for (const [body, path] of bad) {
      assert.throws(
        () => parsePage(body),
        (e: unknown) => e instanceof EventPageError && e.path === path,
        path,
      );
    }
  });

  it('a proxy answering too much, not JSON or a bad field is reported with MB9203 and nothing of it is stored', async () => {
    const answers = [
      'x'.repeat(3 * 1024 * 1024),
      'not json',
      JSON.stringify({ source: SOURCE, boot: 'b', last: 1, lost: 0, events: [{ seq: 1, kind: 'boom' }] }),
    ];
    const server = createServer((req, res) => {
      const i = Number(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
      res.end(answers[i]);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const port = (server.address() as { port: number }).port;
    const m = await startTestMgmt();
    try {
      const errors: string[] = [];
      const puller = new FailoverEventPuller({
        targets: () => answers.map((_, i) => `http://127.0.0.1:${port}/${i}`),
        store: m.running.deps.store,
        onError: (_t, err) => errors.push(err.message),
      });
      assert.equal(await puller.pullOnce(), 0);
      assert.equal(errors.length, 3, errors.join('\n'));
      for (const e of errors) assert.match(e, /^\[MB9203\] \$/);
      assert.match(errors.join('\n'), /exceeds 2097152/);
      assert.match(errors.join('\n'), /\$\.events\[0\]\.upstream|\$\.events\[0\]\.kind/);
      assert.equal((await m.running.deps.store.listFailoverEvents({ limit: 10 })).length, 0);
    } finally {
      await m.close();
    }
  });

  it('events older than the retention are deleted by the puller, newer ones kept', async () => {
    const m = await startTestMgmt();
    try {
      const store = m.running.deps.store;
      const event = (seq: number, atMs: number): StoredEvent => ({
        source: SOURCE,
        boot: 'b',
        seq,
        atMs,
        kind: 'ejection',
        upstream: UP,
        service: 'details.bookinfo.svc.cluster.local',
        failed: 0,
        answered: 0,
      });
      const now = 10 * 24 * 3600 * 1000;
      assert.equal(await store.addFailoverEvents([event(1, now - 8 * 24 * 3600 * 1000), event(2, now - 1000)]), 2);
      assert.equal(await store.addFailoverEvents([event(2, now - 1000)]), 0, 'stored once');
      await new FailoverEventPuller({ targets: () => [], store, now: () => now }).pullOnce();
      assert.deepEqual(
        (await store.listFailoverEvents({ limit: 10 })).map((e) => e.seq),
        [2],
      );
    } finally {
      await m.close();
    }
  });
});
