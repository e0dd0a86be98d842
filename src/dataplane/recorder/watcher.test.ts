import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterBalancer } from '../balancer/cluster-balancer.js';
import { ProxyRuntime } from '../runtime.js';
import type { EndpointModel } from '../xds/model.js';
import { FlightRecorder } from './flight-recorder.js';
import { BalancerWatcher } from './watcher.js';

const UP = 'outbound|9080||details.bookinfo.svc.cluster.local';
const ep = (host: string, healthy = true): EndpointModel => ({
  host,
  port: 9080,
  healthy,
  weight: 1,
  tlsMode: 'disabled',
});
const assign = (localHealthy: boolean) => ({
  clusterName: UP,
  overprovisioning: 1.4,
  localities: [
    {
      locality: { region: 'a', zone: '', subZone: '' },
      priority: 0,
      weight: 1,
      endpoints: [ep('10.0.0.1', localHealthy)],
    },
    { locality: { region: 'b', zone: '', subZone: '' }, priority: 1, weight: 1, endpoints: [ep('10.9.0.1')] },
  ],
});

describe('BalancerWatcher', () => {
  it('records balancer changes only for upstreams the proxy calls, and only outbound ones', () => {
    const runtime = new ProxyRuntime();
    const recorder = new FlightRecorder({ cluster: 'cluster-1' });
    const watcher = new BalancerWatcher({ runtime, recorder });
    const b = new ClusterBalancer({ name: UP, discovery: 'EDS', connectTimeoutMs: 1000 });
    const inbound = new ClusterBalancer({ name: 'inbound|9080||', discovery: 'EDS', connectTimeoutMs: 1000 });
    runtime.balancers.set(UP, b);
    runtime.balancers.set('inbound|9080||', inbound);
    b.setEndpoints(assign(true));
    inbound.setEndpoints({ ...assign(true), clusterName: 'inbound|9080||' });
    watcher.check();
    b.setEndpoints(assign(false));
    inbound.setEndpoints({ ...assign(false), clusterName: 'inbound|9080||' });
    watcher.check();
    assert.deepEqual(recorder.since(0).events, [], 'never called: nothing recorded');

    recorder.answered(UP, 200, 'cluster-2');
    b.setEndpoints(assign(true));
    inbound.setEndpoints({ ...assign(true), clusterName: 'inbound|9080||' });
    runtime.onChange?.();
    assert.deepEqual(
      recorder.since(0).events.map((e) => [e.kind, e.upstream, e.loadBefore, e.loadAfter]),
      [['priority-shift', UP, [0, 100], [100, 0]]],
    );
  });
});
