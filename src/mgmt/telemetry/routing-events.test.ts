import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EdgeStats } from './edge-window.js';
import { routingEvents, routingOf } from './routing-events.js';

const e = (dst: string, requests: number, errors = 0): EdgeStats => ({
  id: dst,
  sourceWorkload: 'productpage-v1',
  sourceCluster: 'cluster-1',
  destinationService: 'details.bookinfo.svc.cluster.local',
  destinationCluster: dst,
  rps: requests,
  requests,
  errors,
  errorShare: requests ? errors / requests : 0,
  crossCluster: dst !== 'cluster-1',
});

test('traffic leaving the client cluster is a failover, coming back a failback', () => {
  const t0 = routingEvents(new Map(), routingOf([e('cluster-1', 50)]), 1000);
  assert.deepEqual(t0.events, [], 'the first observation is a baseline, not an event');
  const t1 = routingEvents(t0.state, routingOf([e('cluster-1', 2, 2), e('cluster-2', 40)]), 2000);
  assert.equal(t1.events.length, 1);
  assert.equal(t1.events[0]!.kind, 'failover');
  assert.deepEqual([t1.events[0]!.from, t1.events[0]!.to], [['cluster-1'], ['cluster-2']]);
  assert.match(
    t1.events[0]!.message,
    /productpage-v1 \(cluster-1\) -> details\.bookinfo\.svc\.cluster\.local now served by cluster-2/,
  );
  const t2 = routingEvents(t1.state, routingOf([]), 3000);
  assert.deepEqual(t2.events, [], 'a pause in traffic changes nothing');
  const t3 = routingEvents(t2.state, routingOf([e('cluster-1', 30), e('cluster-2', 1)]), 4000);
  assert.deepEqual(
    t3.events.map((x) => [x.kind, x.atMs, x.to]),
    [['failback', 4000, ['cluster-1']]],
  );
});

test('clusters serving under the noise share do not count; spreading to a second remote is a shift', () => {
  const a = routingEvents(new Map(), routingOf([e('cluster-2', 100), e('cluster-1', 5)]), 0);
  assert.deepEqual([...a.state.values()][0]!.clusters, ['cluster-2']);
  const b = routingEvents(a.state, routingOf([e('cluster-2', 50), e('cluster-3', 50)]), 1);
  assert.deepEqual(
    b.events.map((x) => x.kind),
    ['shift'],
  );
});

test('a split between the local and a remote cluster (same region, or a straddling scrape) is not an event', () => {
  const a = routingEvents(new Map(), routingOf([e('cluster-1', 50)]), 0);
  const b = routingEvents(a.state, routingOf([e('cluster-1', 25), e('cluster-2', 25)]), 1);
  assert.deepEqual(b.events, []);
  const c = routingEvents(b.state, routingOf([e('cluster-2', 50)]), 2);
  assert.deepEqual(
    c.events.map((x) => [x.kind, x.from, x.to]),
    [['failover', ['cluster-1', 'cluster-2'], ['cluster-2']]],
  );
  const d = routingEvents(c.state, routingOf([e('cluster-1', 10), e('cluster-2', 40)]), 3);
  assert.deepEqual(
    d.events.map((x) => x.kind),
    ['failback'],
  );
});
