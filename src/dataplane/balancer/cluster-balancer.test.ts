import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointModel, EndpointsModel } from '../xds/model.js';
import { ClusterBalancer } from './cluster-balancer.js';
import type { PickOptions } from './cluster-balancer.js';

const ep = (host: string, healthy = true, degraded = false): EndpointModel => ({
  host,
  port: 15006,
  healthy,
  ...(degraded ? { degraded: true } : {}),
  weight: 1,
  tlsMode: 'istio',
});
const assignment = (p0: EndpointModel[], p1: EndpointModel[]): EndpointsModel => ({
  clusterName: 'outbound|9080||details.bookinfo.svc.cluster.local',
  overprovisioning: 1.4,
  localities: [
    { locality: { region: 'r1', zone: 'z1', subZone: '' }, priority: 0, weight: p0.length, endpoints: p0 },
    { locality: { region: 'remote', zone: '', subZone: '' }, priority: 1, weight: p1.length, endpoints: p1 },
  ],
});
const outlier = {
  consecutive5xx: 2,
  consecutiveGatewayErrors: 2,
  intervalMs: 1000,
  baseEjectionMs: 1000,
  maxEjectionPercent: 100,
};
const newBalancer = () =>
  new ClusterBalancer({
    name: 'outbound|9080||details.bookinfo.svc.cluster.local',
    discovery: 'EDS',
    connectTimeoutMs: 1000,
    outlier,
  });

function spread(b: ClusterBalancer, n: number, options: PickOptions = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const h = b.pick({ now: Date.now(), ...options })!;
    out[h.endpoint.host] = (out[h.endpoint.host] ?? 0) + 1;
  }
  return out;
}

describe('cluster balancer', () => {
  it('counts the tries that ended on each host and the failed ones, across EDS updates (/clusters)', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a')], [ep('gw')]));
    const a = b.pick()!;
    b.record(a, 'success');
    b.record(a, 'http5xx');
    b.setEndpoints(assignment([ep('a', false)], [ep('gw')]));
    const byHost = Object.fromEntries(b.status().map((h) => [h.address, [h.attempts, h.failedAttempts]]));
    assert.deepEqual(byHost, { 'a:15006': [2, 1], 'gw:15006': [0, 0] });
  });

  it('keeps all traffic on healthy P0 hosts, round robin', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b'), ep('c')], [ep('gw')]));
    assert.deepEqual(spread(b, 300), { a: 100, b: 100, c: 100 });
  });

  it("with 1 of 3 P0 hosts unhealthy sends 93 % to P0's healthy hosts and 7 % to P1", () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b'), ep('c', false)], [ep('gw')]));
    const s = spread(b, 3000);
    assert.equal((s.a ?? 0) + (s.b ?? 0), 2790);
    assert.equal(s.gw, 210);
    assert.equal(s.c, undefined);
  });

  it('sends nothing to unhealthy P0 hosts at 1/3 healthy while P1 is healthy (normalized total 100 %: no panic)', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b', false), ep('c', false)], [ep('x'), ep('y'), ep('z')]));
    const s = spread(b, 1000);
    assert.deepEqual({ a: s.a, b: s.b, c: s.c }, { a: 460, b: undefined, c: undefined });
    assert.equal((s.x ?? 0) + (s.y ?? 0) + (s.z ?? 0), 540);
  });

  it('a level in panic balances over all its hosts and ignores locality weights', () => {
    const b = newBalancer();
    b.setEndpoints({
      clusterName: 'c',
      overprovisioning: 1.4,
      localities: [
        { locality: { region: 'r1', zone: 'a', subZone: '' }, priority: 0, weight: 100, endpoints: [ep('a1')] },
        {
          locality: { region: 'r1', zone: 'b', subZone: '' },
          priority: 0,
          weight: 1,
          endpoints: [ep('b1', false), ep('b2', false), ep('b3', false)],
        },
      ],
    });
    assert.deepEqual(b.priorityState().panic, [true]);
    assert.deepEqual(spread(b, 400), { a1: 100, b1: 100, b2: 100, b3: 100 });
  });

  it('with nothing healthy, splits across levels by host count, each level over all its hosts', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a', false), ep('b', false), ep('c', false)], [ep('x', false), ep('y', false)]));
    assert.deepEqual(spread(b, 1000), { a: 200, b: 200, c: 200, x: 200, y: 200 });
  });

  it('uses degraded hosts only for the load healthy hosts cannot take', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('h'), ep('d', false, true), ep('u', false)], []));
    // health floor(140/3) = 46, degraded 46: normalized 92 -> healthy load 50 %, degraded 50 %.
    assert.deepEqual(spread(b, 200), { h: 100, d: 100 });
  });

  it('ejects a host after consecutive gateway errors, fails over when all P0 are ejected, and returns', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a')], [ep('gw')]));
    const now = 1_000_000;
    const a = b.pick({ now })!;
    assert.equal(a.endpoint.host, 'a');
    assert.equal(b.record(a, 'gateway', now), false);
    assert.equal(b.record(a, 'gateway', now), true, 'second consecutive error ejects');
    assert.deepEqual(spread(b, 10, { now: now + 10 }), { gw: 10 });
    assert.deepEqual(spread(b, 10, { now: now + 1001 }), { a: 10 }, 'back after base ejection time');
    b.record(a, 'gateway', now + 1001);
    b.record(a, 'gateway', now + 1001);
    assert.deepEqual(spread(b, 10, { now: now + 2500 }), { gw: 10 }, 'second ejection lasts 2 x base');
  });

  it('never ejects more than max_ejection_percent (but always allows one)', () => {
    const b = new ClusterBalancer({
      name: 'c',
      discovery: 'EDS',
      connectTimeoutMs: 1000,
      outlier: { ...outlier, maxEjectionPercent: 10 },
    });
    b.setEndpoints(assignment([ep('a'), ep('b')], []));
    const now = 5_000_000;
    const hosts = [b.pick({ now })!, b.pick({ now })!];
    for (const h of hosts) {
      b.record(h, 'http5xx', now);
      b.record(h, 'http5xx', now);
    }
    assert.equal(b.status(now).filter((s) => s.ejected).length, 1);
  });

  it('previous_hosts: a retry draws again when it lands on a host already tried', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b'), ep('c')], [ep('gw')]));
    for (let i = 0; i < 30; i++) {
      const first = b.pick()!;
      const second = b.pick({ exclude: new Set([first.key]) })!;
      assert.notEqual(second.key, first.key);
    }
  });

  it('previous_hosts: when every draw is rejected the last one stands, as in Envoy (no level change)', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b')], [ep('gw')]));
    const h = b.pick({ exclude: new Set(['a:15006', 'b:15006']), selectionAttempts: 3 })!;
    assert.notEqual(h.endpoint.host, 'gw');
  });

  it('previous_priorities: a retry that excludes the attempted level goes to the next one', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b')], [ep('gw')]));
    assert.deepEqual(spread(b, 5, { excludePriorities: new Set([0]) }), { gw: 5 });
    assert.deepEqual(spread(b, 4, { excludePriorities: new Set([0, 1]) }), { a: 2, b: 2 }, 'all excluded: original');
  });
  it("the walkthrough's failover: retries leave a dead local host for the gateways, which take all once it is ejected", () => {
    // The EDS the productpage sidecar holds for details in cluster-1 while details-v1 goes to 0 (seen in its
    // /clusters): the local pod at P0 (still HEALTHY until the control plane drops it), three gateway addresses of
    // cluster-2 at P1; then the local host gone and the gateways at P0. Outlier detection as the mesh sends it.
    const b = new ClusterBalancer({
      name: 'outbound|9080||details.bookinfo.svc.cluster.local',
      discovery: 'EDS',
      connectTimeoutMs: 1000,
      outlier: { ...outlier, consecutive5xx: 5, consecutiveGatewayErrors: 5, enforcingConsecutiveGateway: 100 },
    });
    b.setEndpoints(assignment([ep('local')], [ep('gw1'), ep('gw2'), ep('gw3')]));
    const now = 2_000_000;
    const served: string[] = [];
    for (let i = 0; i < 5; i++) {
      const first = b.pick({ now })!;
      assert.equal(first.endpoint.host, 'local', 'P0 keeps 100 % while EDS says healthy and nothing ejected it');
      b.record(first, 'local-origin', now); // connection refused: the pod is gone
      const retry = b.pick({
        now,
        exclude: new Set([first.key]),
        selectionAttempts: 5,
        excludePriorities: new Set([first.priority]),
      })!;
      served.push(retry.endpoint.host);
    }
    assert.deepEqual(served.sort(), ['gw1', 'gw1', 'gw2', 'gw2', 'gw3']);
    assert.equal(b.status(now).find((h) => h.address === 'local:15006')?.ejected, true, 'fifth failure ejects');
    assert.deepEqual(b.priorityState(now).healthyLoad, [0, 100]);
    assert.deepEqual(spread(b, 6, { now }), { gw1: 2, gw2: 2, gw3: 2 });
    // The control plane drops the terminated pod: the gateway addresses become the only level (P0).
    const gateways = [ep('gw1'), ep('gw2'), ep('gw3')];
    b.setEndpoints({
      clusterName: 'outbound|9080||details.bookinfo.svc.cluster.local',
      overprovisioning: 1.4,
      localities: [
        { locality: { region: 'remote', zone: '', subZone: '' }, priority: 0, weight: 3, endpoints: gateways },
      ],
    });
    assert.deepEqual(b.priorityState(now).healthyLoad, [100]);
    assert.deepEqual(spread(b, 6, { now }), { gw1: 2, gw2: 2, gw3: 2 });
  });
});
