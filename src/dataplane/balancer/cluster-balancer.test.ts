import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointModel, EndpointsModel } from '../xds/model.js';
import { ClusterBalancer } from './cluster-balancer.js';

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

function spread(b: ClusterBalancer, n: number, now = Date.now()): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const h = b.pick(new Set(), now)!;
    out[h.endpoint.host] = (out[h.endpoint.host] ?? 0) + 1;
  }
  return out;
}

describe('cluster balancer', () => {
  it('keeps all traffic on healthy P0 hosts, round robin', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b'), ep('c')], [ep('gw')]));
    assert.deepEqual(spread(b, 300), { a: 100, b: 100, c: 100 });
  });

  it('with 1 of 3 P0 hosts unhealthy sends 93.3 % to P0 and 6.7 % to P1', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b'), ep('c', false)], [ep('gw')]));
    const s = spread(b, 3000);
    assert.equal((s.a ?? 0) + (s.b ?? 0), 2800);
    assert.equal(s.gw, 200);
    assert.equal(s.c, undefined);
  });

  it('ejects a host after consecutive gateway errors, fails over when all P0 are ejected, and returns', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a')], [ep('gw')]));
    const now = 1_000_000;
    const a = b.pick(new Set(), now)!;
    assert.equal(a.endpoint.host, 'a');
    assert.equal(b.record(a, 'gateway', now), false);
    assert.equal(b.record(a, 'gateway', now), true, 'second consecutive error ejects');
    assert.deepEqual(spread(b, 10, now + 10), { gw: 10 });
    assert.deepEqual(spread(b, 10, now + 1001), { a: 10 }, 'back after base ejection time');
    b.record(a, 'gateway', now + 1001);
    b.record(a, 'gateway', now + 1001);
    assert.deepEqual(spread(b, 10, now + 2500), { gw: 10 }, 'second ejection lasts 2 x base');
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
    const hosts = [b.pick(new Set(), now)!, b.pick(new Set(), now)!];
    for (const h of hosts) {
      b.record(h, 'http5xx', now);
      b.record(h, 'http5xx', now);
    }
    assert.equal(b.status(now).filter((s) => s.ejected).length, 1);
  });

  it('picks another host for a retry when one exists', () => {
    const b = newBalancer();
    b.setEndpoints(assignment([ep('a'), ep('b')], [ep('gw')]));
    const first = b.pick()!;
    const second = b.pick(new Set([first.key]))!;
    assert.notEqual(second.key, first.key);
    const third = b.pick(new Set(['a:15006', 'b:15006']))!;
    assert.equal(third.endpoint.host, 'gw', 'falls to the next level when the current one is exhausted');
  });
});
