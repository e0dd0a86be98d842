import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsCollector } from './collector.js';
import { startMetricsEndpoint } from '../../../test/telemetry/metrics-endpoint.js';

const edge = (dst: string) => ({
  source_workload: 'productpage-v1',
  source_cluster: 'cluster-1',
  destination_service: 'details.bookinfo.svc.cluster.local',
  destination_cluster: dst,
});

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((c) => c())));

test('scrapes real metrics endpoints and reports per-edge rate, errors, latency, and down targets', async () => {
  const a = await startMetricsEndpoint();
  closers.push(a.close);
  let now = 1_000_000;
  const collector = new MetricsCollector({
    targets: () => [a.url, 'http://127.0.0.1:1/stats/prometheus'],
    intervalMs: 1000,
    windowMs: 10_000,
    now: () => now,
  });
  a.record(edge('cluster-1'), '200', 5, 3);
  await collector.scrapeOnce();
  now += 2000;
  a.record(edge('cluster-1'), '200', 18, 3);
  a.record(edge('cluster-1'), '503', 2, 3);
  await collector.scrapeOnce();
  const topo = await collector.topology();
  assert.equal(topo.edges.length, 1);
  const e = topo.edges[0]!;
  assert.equal(e.requests, 20);
  assert.equal(e.rps, 10);
  assert.equal(e.errorShare, 0.1);
  assert.ok(e.p50Ms !== undefined && e.p50Ms > 1 && e.p50Ms <= 5, String(e.p50Ms));
  assert.ok(e.p99Ms !== undefined && e.p99Ms <= 5, String(e.p99Ms));
  assert.deepEqual(
    topo.targets.map((t) => t.ok),
    [false, true],
  );
  assert.match(topo.targets[0]!.error ?? '', /fetch failed|ECONNREFUSED/);
});

test('records a failover when traffic moves to another cluster and a failback when it returns', async () => {
  const a = await startMetricsEndpoint();
  closers.push(a.close);
  let now = 5_000_000;
  const collector = new MetricsCollector({ targets: () => [a.url], intervalMs: 1000, now: () => now });
  const round = async (dst: string): Promise<void> => {
    a.record(edge(dst), '200', 10);
    now += 1000;
    await collector.scrapeOnce();
  };
  await collector.scrapeOnce();
  for (let i = 0; i < 3; i++) await round('cluster-1');
  for (let i = 0; i < 4; i++) await round('cluster-2');
  for (let i = 0; i < 4; i++) await round('cluster-1');
  const events = collector.events();
  assert.deepEqual(
    events.map((e) => [e.kind, e.to]),
    [
      ['failover', ['cluster-2']],
      ['failback', ['cluster-1']],
    ],
  );
  assert.ok(events[0]!.atMs < events[1]!.atMs);
});

test('rejects options that cannot work', () => {
  assert.throws(() => new MetricsCollector({ targets: () => [], intervalMs: 0 }), /intervalMs/);
  assert.throws(() => new MetricsCollector({ targets: () => [], intervalMs: 5000, windowMs: 1000 }), /windowMs/);
});

test('start scrapes on its own until stop', async () => {
  const a = await startMetricsEndpoint();
  closers.push(a.close);
  const collector = new MetricsCollector({ targets: () => [a.url], intervalMs: 100, windowMs: 1000 });
  a.record(edge('cluster-1'), '200');
  collector.start();
  const t0 = Date.now();
  while ((await collector.edges()).length === 0 && Date.now() - t0 < 5000) {
    a.record(edge('cluster-1'), '200');
    await new Promise((r) => setTimeout(r, 50));
  }
  await collector.stop();
  assert.equal(collector.edges().length, 1);
});
