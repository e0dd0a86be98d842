import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { MetricsCollector } from './collector.js';

/** A metrics endpoint like a sidecar's, backed by prom-client on a real socket. */
async function metricsServer(): Promise<{
  url: string;
  requests: Counter;
  duration: Histogram;
  close: () => Promise<void>;
}> {
  const registry = new Registry();
  const labelNames = [
    'reporter',
    'source_workload',
    'source_cluster',
    'destination_service',
    'destination_cluster',
    'response_code',
  ];
  const requests = new Counter({ name: 'istio_requests_total', help: 'requests', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'istio_request_duration_milliseconds',
    help: 'duration',
    labelNames: labelNames.filter((l) => l !== 'response_code'),
    buckets: [1, 5, 10, 50],
    registers: [registry],
  });
  const server = http.createServer((_req, res) => {
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stats/prometheus`,
    requests,
    duration,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const labels = (dst: string, code: string) => ({
  reporter: 'source',
  source_workload: 'productpage-v1',
  source_cluster: 'cluster-1',
  destination_service: 'details.bookinfo.svc.cluster.local',
  destination_cluster: dst,
  response_code: code,
});

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((c) => c())));

test('scrapes real metrics endpoints and reports per-edge rate, errors, latency, and down targets', async () => {
  const a = await metricsServer();
  closers.push(a.close);
  let now = 1_000_000;
  const collector = new MetricsCollector({
    targets: () => [a.url, 'http://127.0.0.1:1/stats/prometheus'],
    intervalMs: 1000,
    windowMs: 10_000,
    now: () => now,
  });
  a.requests.inc(labels('cluster-1', '200'), 5);
  await collector.scrapeOnce();
  now += 2000;
  a.requests.inc(labels('cluster-1', '200'), 18);
  a.requests.inc(labels('cluster-1', '503'), 2);
  const { response_code: _c, ...histLabels } = labels('cluster-1', '200');
  for (let i = 0; i < 20; i++) a.duration.observe(histLabels, 3);
  await collector.scrapeOnce();
  const topo = await collector.topology();
  assert.equal(topo.edges.length, 1);
  const e = topo.edges[0]!;
  assert.equal(e.requests, 20);
  assert.equal(e.rps, 10);
  assert.equal(e.errorShare, 0.1);
  assert.ok(e.p50Ms !== undefined && e.p50Ms > 1 && e.p50Ms <= 5, String(e.p50Ms));
  assert.deepEqual(
    topo.targets.map((t) => t.ok),
    [false, true],
  );
  assert.match(topo.targets[0]!.error ?? '', /fetch failed|ECONNREFUSED/);
});

test('records a failover when traffic moves to another cluster and a failback when it returns', async () => {
  const a = await metricsServer();
  closers.push(a.close);
  let now = 5_000_000;
  const collector = new MetricsCollector({ targets: () => [a.url], intervalMs: 1000, now: () => now });
  const round = async (dst: string): Promise<void> => {
    a.requests.inc(labels(dst, '200'), 10);
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
  const a = await metricsServer();
  closers.push(a.close);
  const collector = new MetricsCollector({ targets: () => [a.url], intervalMs: 100, windowMs: 1000 });
  a.requests.inc(labels('cluster-1', '200'), 1);
  collector.start();
  const t0 = Date.now();
  while ((await collector.edges()).length === 0 && Date.now() - t0 < 5000) {
    a.requests.inc(labels('cluster-1', '200'), 1);
    await new Promise((r) => setTimeout(r, 50));
  }
  await collector.stop();
  assert.equal(collector.edges().length, 1);
});
