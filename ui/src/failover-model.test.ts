import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterChoices,
  episodeLines,
  priorityRows,
  seconds,
  serviceChoices,
  serviceTimeline,
  splitWarnings,
} from './failover-model.js';
import type { ClusterInventory, FailoverReport, RecordedEpisode, RoutingEvent } from './wire.js';

const inv = (name: string, services: string[]): ClusterInventory => ({
  name,
  gateways: [],
  services: services.map((s) => {
    const [n = '', ns = ''] = s.split('.');
    return { name: n, namespace: ns, readyEndpoints: 1 };
  }),
  workloadEntries: [],
  reachable: true,
});

test('the pickers list every service once, sorted, and every cluster', () => {
  const inventory = [
    inv('cluster-2', ['details.bookinfo', 'sleep.sleep']),
    inv('cluster-1', ['reviews.bookinfo', 'details.bookinfo']),
  ];
  assert.deepEqual(
    serviceChoices(inventory).map((s) => [s.label, s.name, s.namespace]),
    [
      ['details.bookinfo', 'details', 'bookinfo'],
      ['reviews.bookinfo', 'reviews', 'bookinfo'],
      ['sleep.sleep', 'sleep', 'sleep'],
    ],
  );
  assert.deepEqual(clusterChoices(inventory), ['cluster-1', 'cluster-2']);
});

const report: FailoverReport = {
  service: 'details',
  namespace: 'bookinfo',
  client: 'cluster-1',
  clientLocality: 'eu-west-2/eu-west-2a',
  endpoints: [
    {
      cluster: 'cluster-2',
      kind: 'WorkloadEntry',
      name: 'k-details-abc',
      address: '127.2.200.1:15443',
      locality: 'eu-west-1/eu-west-1a',
      rawPriority: 4,
      priority: 1,
      why: 'other',
      reason: 'other region',
    },
    {
      cluster: 'cluster-1',
      kind: 'pod',
      name: 'details-v1-x',
      address: '127.1.0.5',
      locality: 'eu-west-2/eu-west-2a',
      ready: false,
      rawPriority: 0,
      priority: 0,
      why: 'same-subzone',
      reason: 'same region, zone and subzone',
    },
  ],
  targets: [{ cluster: 'cluster-2', message: 'reachable' }],
  notTargets: [],
  warnings: [
    "cluster-3's entries have locality eu-west-2/x, in cluster-1's region eu-west-2: they share priority levels with cluster-1's own pods",
    'cluster-1 has no ready details pod: every request goes to the next priority level',
  ],
};

test('priority rows come in priority order with the health and the reason in words', () => {
  assert.deepEqual(priorityRows(report), [
    {
      priority: 'P0',
      cluster: 'cluster-1',
      endpoint: 'pod/details-v1-x',
      address: '127.1.0.5',
      locality: 'eu-west-2/eu-west-2a',
      health: 'not ready',
      why: 'same region, zone and subzone (raw P0)',
      remote: false,
    },
    {
      priority: 'P1',
      cluster: 'cluster-2',
      endpoint: 'we/k-details-abc',
      address: '127.2.200.1:15443',
      locality: 'eu-west-1/eu-west-1a',
      health: 'outlier-checked',
      why: 'other region (raw P4)',
      remote: true,
    },
  ]);
});

test('the same-region warning is told apart from the others', () => {
  const w = splitWarnings(report);
  assert.equal(w.sameRegion.length, 1);
  assert.match(w.sameRegion[0] ?? '', /share priority levels/);
  assert.deepEqual(w.other, ['cluster-1 has no ready details pod: every request goes to the next priority level']);
});

const ev = (
  atMs: number,
  kind: RoutingEvent['kind'],
  service = 'details',
  src = 'productpage-v1',
  cluster = 'cluster-1',
): RoutingEvent => ({
  atMs,
  kind,
  sourceWorkload: src,
  sourceCluster: cluster,
  destinationService: `${service}.bookinfo.svc.cluster.local`,
  from: kind === 'failover' ? [cluster] : ['cluster-2'],
  to: kind === 'failover' ? ['cluster-2'] : [cluster],
  message: '',
});

test("the timeline keeps the service's events, newest first, with the measured times", () => {
  const details = { name: 'details', namespace: 'bookinfo', label: 'details.bookinfo' };
  const events = [
    ev(1_000, 'failover'),
    ev(1_500, 'failover', 'reviews'),
    ev(13_300, 'failback'),
    ev(20_000, 'failover', 'details', 'productpage-v1', 'cluster-3'),
    ev(43_300, 'failover'),
  ];
  const t = serviceTimeline(events, details, 'cluster-1');
  assert.deepEqual(
    t.map((e) => [e.atMs, e.kind, e.client, e.remoteForMs, e.sinceFailbackMs]),
    [
      [43_300, 'failover', 'productpage-v1 (cluster-1)', undefined, 30_000],
      [13_300, 'failback', 'productpage-v1 (cluster-1)', 12_300, undefined],
      [1_000, 'failover', 'productpage-v1 (cluster-1)', undefined, undefined],
    ],
  );
  assert.equal(serviceTimeline(events, details).length, 4, 'without a client cluster every client counts');
  assert.equal(seconds(12_300), '12.3 s');
});

test('recorded episodes read as one sentence each, newest first, with their figures', () => {
  const episode = (startedAtMs: number, over: Partial<RecordedEpisode> = {}): RecordedEpisode => ({
    service: 'details.bookinfo.svc.cluster.local',
    source: { cluster: 'cluster-1', namespace: 'bookinfo', pod: 'productpage-v1-a', workload: 'productpage-v1' },
    trigger: { kind: 'priority-shift', atMs: startedAtMs },
    from: 'cluster-1',
    to: 'cluster-2',
    startedAtMs,
    failedOverAtMs: startedAtMs + 41,
    timeToFailoverMs: 41,
    requestsFailed: 0,
    failedBackAtMs: startedAtMs + 48_310,
    timeToFailbackMs: 1020,
    durationMs: 48_310,
    open: false,
    ...over,
  });
  const lines = episodeLines([
    episode(1000),
    episode(90_000, {
      open: true,
      trigger: { kind: 'ejection', atMs: 90_000 },
      requestsFailed: 1,
      timeToFailoverMs: 2500,
    }),
  ]);
  assert.deepEqual(
    lines.map((l) => [l.atMs, l.open, l.text]),
    [
      [
        90_000,
        true,
        'productpage-v1 in cluster-1 failed over cluster-1 -> cluster-2 after ejection in 2.5 s, 1 request failed; still served remotely',
      ],
      [
        1000,
        false,
        'productpage-v1 in cluster-1 failed over cluster-1 -> cluster-2 after priority-shift in 41 ms, 0 requests failed; failed back 1.0 s after recovery (48.3 s in all)',
      ],
    ],
  );
});
