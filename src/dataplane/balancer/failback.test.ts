import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointModel, EndpointsModel } from '../xds/model.js';
import { ClusterBalancer } from './cluster-balancer.js';
import { hysteresisOf } from './failback.js';
import { parseCluster } from '../xds/model.js';
import { FAILBACK_METADATA_KEY } from '../../xds/index.js';

const ep = (host: string, healthy = true): EndpointModel => ({
  host,
  port: 15006,
  healthy,
  weight: 1,
  tlsMode: 'istio',
});
const assignment = (p0: EndpointModel[], p1: EndpointModel[]): EndpointsModel => ({
  clusterName: 'outbound|9080||details.bookinfo.svc.cluster.local',
  overprovisioning: 1.4,
  localities: [
    { locality: { region: 'r1', zone: 'z1', subZone: '' }, priority: 0, weight: 1, endpoints: p0 },
    { locality: { region: 'r2', zone: '', subZone: '' }, priority: 1, weight: 1, endpoints: p1 },
  ].filter((l) => l.endpoints.length > 0),
});
const outlier = {
  consecutive5xx: 2,
  consecutiveGatewayErrors: 2,
  intervalMs: 1000,
  baseEjectionMs: 1000,
  maxEjectionPercent: 100,
};
const balancer = (failback?: { delayMs: number; rampMs: number }) =>
  new ClusterBalancer({
    name: 'outbound|9080||details.bookinfo.svc.cluster.local',
    discovery: 'EDS',
    connectTimeoutMs: 1000,
    outlier,
    ...(failback ? { failback } : {}),
  });
const T0 = 1_000_000;

/** Hosts picked in `n` picks at `now`. */
function spread(b: ClusterBalancer, n: number, now: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const h = b.pick({ now });
    const key = h?.endpoint.host ?? 'none';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('failback hysteresis (pure)', () => {
  it('holds for the delay, ramps linearly over the ramp, then settles', () => {
    const policy = { delayMs: 10_000, rampMs: 4000 };
    assert.deepEqual(hysteresisOf(policy, T0, T0), { held: true, weight: 0 });
    assert.deepEqual(hysteresisOf(policy, T0, T0 + 9999), { held: true, weight: 0 });
    assert.deepEqual(hysteresisOf(policy, T0, T0 + 10_000), { held: false, weight: 0 });
    assert.deepEqual(hysteresisOf(policy, T0, T0 + 11_000), { held: false, weight: 0.25 });
    assert.deepEqual(hysteresisOf(policy, T0, T0 + 14_000), { held: false, weight: 1 });
  });
  it('is settled without a policy, with a zero policy, and for hosts available since always', () => {
    assert.deepEqual(hysteresisOf(undefined, T0, T0), { held: false, weight: 1 });
    assert.deepEqual(hysteresisOf({ delayMs: 0, rampMs: 0 }, T0, T0), { held: false, weight: 1 });
    assert.deepEqual(hysteresisOf({ delayMs: 5000, rampMs: 0 }, -Infinity, T0), { held: false, weight: 1 });
  });
});

describe('cluster balancer with a failback policy', () => {
  it('keeps a returning local host out for the delay, then grows its share over the ramp', () => {
    const b = balancer({ delayMs: 10_000, rampMs: 10_000 });
    b.setEndpoints(assignment([ep('local')], [ep('remote')]), T0);
    assert.deepEqual(spread(b, 100, T0), { local: 100 }, 'hosts of the first assignment are settled');
    b.setEndpoints(assignment([ep('local', false)], [ep('remote')]), T0 + 1000);
    assert.deepEqual(spread(b, 100, T0 + 1000), { remote: 100 });
    b.setEndpoints(assignment([ep('local')], [ep('remote')]), T0 + 2000);
    assert.deepEqual(spread(b, 100, T0 + 2000), { remote: 100 }, 'held: healthy, but takes nothing');
    assert.equal(b.status(T0 + 2000).find((h) => h.address.startsWith('local'))?.held, true);
    assert.deepEqual(spread(b, 100, T0 + 11_999), { remote: 100 }, 'still held 1 ms before the delay ends');
    // Ramp: at 25 % of the ramp the host counts as 0.25 of a host: health min(100, 140 x 0.25) = 35 %.
    assert.deepEqual(spread(b, 100, T0 + 14_500), { local: 35, remote: 65 });
    assert.deepEqual(b.priorityState(T0 + 14_500).healthyLoad, [35, 65]);
    // At 1/1.4 of the ramp the level is "fully" healthy by Envoy's overprovisioning rule.
    assert.deepEqual(spread(b, 100, T0 + 20_000), { local: 100 });
    assert.deepEqual(b.priorityState(T0 + 22_000).healthyLoad, [100, 0]);
    assert.equal(b.status(T0 + 22_000).find((h) => h.address.startsWith('local'))?.rampPercent, 100);
  });

  it('restarts the delay each time the host drops out (a flapping host never takes traffic back)', () => {
    const b = balancer({ delayMs: 5000, rampMs: 0 });
    b.setEndpoints(assignment([ep('local')], [ep('remote')]), T0);
    for (let cycle = 0; cycle < 5; cycle++) {
      const t = T0 + cycle * 4000;
      b.setEndpoints(assignment([ep('local', false)], [ep('remote')]), t + 1);
      b.setEndpoints(assignment([ep('local')], [ep('remote')]), t + 2000);
      assert.deepEqual(spread(b, 20, t + 3999), { remote: 20 }, `cycle ${cycle}: up for 2 s, still held`);
    }
    assert.deepEqual(spread(b, 20, T0 + 16_000 + 2000 + 5000), { local: 20 }, 'up for the whole delay: back');
  });

  it('without a policy the first healthy host takes everything back at once (Envoy)', () => {
    const b = balancer();
    b.setEndpoints(assignment([ep('local')], [ep('remote')]), T0);
    b.setEndpoints(assignment([ep('local', false)], [ep('remote')]), T0 + 1000);
    b.setEndpoints(assignment([ep('local')], [ep('remote')]), T0 + 2000);
    assert.deepEqual(spread(b, 100, T0 + 2000), { local: 100 });
  });

  it('holds a host back after its ejection ends, counting from the end of the ejection', () => {
    const b = balancer({ delayMs: 5000, rampMs: 0 });
    b.setEndpoints(assignment([ep('local')], [ep('remote')]), T0);
    const local = b.pick({ now: T0 })!;
    b.record(local, 'http5xx', T0);
    assert.equal(b.record(local, 'http5xx', T0), true, 'ejected for 1 s');
    assert.deepEqual(spread(b, 10, T0 + 500), { remote: 10 });
    assert.deepEqual(spread(b, 10, T0 + 1000 + 4999), { remote: 10 }, 'ejection over, still held');
    assert.deepEqual(spread(b, 10, T0 + 1000 + 5000), { local: 10 });
  });

  it('never causes an outage: held hosts serve when nothing else can', () => {
    const b = balancer({ delayMs: 60_000, rampMs: 60_000 });
    b.setEndpoints(assignment([], []), T0);
    b.setEndpoints(assignment([ep('a'), ep('b')], []), T0 + 1000);
    assert.deepEqual(spread(b, 10, T0 + 1000), { a: 5, b: 5 });
    b.setEndpoints(assignment([ep('a'), ep('b')], [ep('remote', false)]), T0 + 2000);
    assert.deepEqual(spread(b, 10, T0 + 2000), { a: 5, b: 5 }, 'the only other host is unhealthy');
  });

  it('a new host joining a healthy level is held without taking load from the level', () => {
    const b = balancer({ delayMs: 5000, rampMs: 0 });
    b.setEndpoints(assignment([ep('a'), ep('b')], [ep('remote')]), T0);
    b.setEndpoints(assignment([ep('a'), ep('b'), ep('c')], [ep('remote')]), T0 + 1000);
    assert.deepEqual(spread(b, 100, T0 + 1000), { a: 50, b: 50 }, 'c held, the level still at 100 %');
    assert.deepEqual(spread(b, 99, T0 + 6000), { a: 33, b: 33, c: 33 });
  });
});

describe('the failback policy in CDS metadata', () => {
  const cluster = (fields: Record<string, string>) =>
    parseCluster({
      name: 'outbound|9080||details.bookinfo.svc.cluster.local',
      type: 'EDS',
      metadata: {
        filter_metadata: {
          [FAILBACK_METADATA_KEY]: {
            fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { stringValue: v }])),
          },
        },
      },
    });
  it('is read from meshbridge.io/failback', () => {
    const parsed = cluster({ delayMs: '30000', rampMs: '1500' });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.failback, { delayMs: 30_000, rampMs: 1500 });
  });
  it('is refused (NACK) when a value is not a bounded number of milliseconds', () => {
    for (const bad of ['-1', '1e3', '3600001', 'soon']) {
      const parsed = cluster({ delayMs: bad });
      assert.equal(parsed.ok, false, bad);
      assert.match(parsed.ok ? '' : parsed.errors.join(), /meshbridge\.io\/failback\.delayMs/);
    }
  });
});
