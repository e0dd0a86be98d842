import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from './edge-window.js';
import { histogramQuantile, windowStats } from './edge-window.js';
import { edgeCounters } from './istio-metrics.js';
import { parseExposition } from './prom-text.js';

const edge = (dst: string, code: string, n: number, reporter = 'source'): string =>
  `istio_requests_total{reporter="${reporter}",source_workload="productpage-v1",source_cluster="cluster-1",` +
  `destination_service="details.bookinfo.svc.cluster.local",destination_cluster="${dst}",response_code="${code}"} ${n}`;

const hist = (buckets: [string, number][], sum: number, count: number): string[] => {
  const l =
    'reporter="source",source_workload="productpage-v1",source_cluster="cluster-1",destination_service="details.bookinfo.svc.cluster.local",destination_cluster="cluster-1"';
  return [
    ...buckets.map(([le, n]) => `istio_request_duration_milliseconds_bucket{${l},le="${le}"} ${n}`),
    `istio_request_duration_milliseconds_sum{${l}} ${sum}`,
    `istio_request_duration_milliseconds_count{${l}} ${count}`,
  ];
};

function snap(target: string, atMs: number, lines: string[]): Snapshot {
  return { target, atMs, edges: edgeCounters(parseExposition(lines.join('\n')).samples) };
}

test('rate and error share come from the increase between the oldest and newest scrape in the window', () => {
  const stats = windowStats(
    [
      snap('a', 0, [edge('cluster-1', '200', 100), edge('cluster-1', '503', 10)]),
      snap('a', 5000, [edge('cluster-1', '200', 180), edge('cluster-1', '503', 30)]),
    ],
    5000,
    10_000,
  );
  assert.equal(stats.length, 1);
  const s = stats[0]!;
  assert.equal(s.requests, 100);
  assert.equal(s.errors, 20);
  assert.equal(s.rps, 20);
  assert.equal(s.errorShare, 0.2);
  assert.equal(s.crossCluster, false);
  assert.equal(s.destinationService, 'details.bookinfo.svc.cluster.local');
});

test('a counter that went down counts as a restart: the new value is the increase', () => {
  const [s] = windowStats(
    [snap('a', 0, [edge('cluster-1', '200', 500)]), snap('a', 2000, [edge('cluster-1', '200', 8)])],
    2000,
    10_000,
  );
  assert.equal(s!.requests, 8);
});

test('rates of several proxies add up, and an edge that appears later counts from zero', () => {
  const stats = windowStats(
    [
      snap('a', 0, [edge('cluster-1', '200', 10)]),
      snap('a', 4000, [edge('cluster-1', '200', 50)]),
      snap('b', 1000, []),
      snap('b', 3000, [edge('cluster-2', '200', 20)]),
      snap('b', 5000, [edge('cluster-2', '200', 60)]),
    ],
    5000,
    10_000,
  );
  assert.deepEqual(
    stats.map((s) => [s.destinationCluster, s.requests, s.rps, s.crossCluster]),
    [
      ['cluster-1', 40, 10, false],
      ['cluster-2', 60, 15, true],
    ],
  );
});

test('snapshots outside the window and targets with a single scrape are ignored; idle edges are dropped', () => {
  const stats = windowStats(
    [
      snap('a', 0, [edge('cluster-1', '200', 0)]),
      snap('a', 20_000, [edge('cluster-1', '200', 100), edge('cluster-2', '200', 5)]),
      snap('a', 25_000, [edge('cluster-1', '200', 150), edge('cluster-2', '200', 5)]),
      snap('lonely', 25_000, [edge('cluster-3', '200', 999)]),
    ],
    25_000,
    10_000,
  );
  assert.deepEqual(
    stats.map((s) => [s.destinationCluster, s.requests]),
    [['cluster-1', 50]],
  );
});

test('destination-side reports are not counted twice when both reporters are present', () => {
  const stats = windowStats(
    [
      snap('a', 0, [edge('cluster-1', '200', 0), edge('cluster-1', '200', 0, 'destination')]),
      snap('a', 1000, [edge('cluster-1', '200', 10), edge('cluster-1', '200', 10, 'destination')]),
    ],
    1000,
    10_000,
  );
  assert.equal(stats[0]!.requests, 10);
});

test('latency percentiles interpolate inside histogram buckets like histogram_quantile', () => {
  const stats = windowStats(
    [
      snap('a', 0, [
        edge('cluster-1', '200', 0),
        ...hist(
          [
            ['1', 0],
            ['5', 0],
            ['10', 0],
            ['+Inf', 0],
          ],
          0,
          0,
        ),
      ]),
      snap('a', 1000, [
        edge('cluster-1', '200', 100),
        ...hist(
          [
            ['1', 50],
            ['5', 90],
            ['10', 100],
            ['+Inf', 100],
          ],
          250,
          100,
        ),
      ]),
    ],
    1000,
    10_000,
  );
  const s = stats[0]!;
  assert.equal(s.p50Ms, 1);
  assert.equal(s.p90Ms, 5);
  assert.ok(Math.abs(s.p99Ms! - 9.5) < 1e-9, String(s.p99Ms));
  assert.equal(histogramQuantile(0.5, new Map([[Infinity, 0]])), undefined);
  assert.equal(
    histogramQuantile(
      0.99,
      new Map([
        [10, 1],
        [Infinity, 10],
      ]),
    ),
    10,
  );
});
