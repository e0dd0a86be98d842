/**
 * Property test: the balancer's pick distribution matches a reference model of Envoy's load balancer, written
 * here from Envoy's algorithm (load_balancer_impl.cc: recalculatePerPriorityState, recalculatePerPriorityPanic,
 * recalculateLoadInTotalPanic, hostSourceToUse; HostSetImpl::effectiveLocalityWeight) without using
 * priority-math.ts. The model gives each host its expected share of picks; the balancer's deterministic smooth
 * weighted round robin must land within a small tolerance of it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { EndpointModel, EndpointsModel } from '../xds/model.js';
import { ClusterBalancer } from './cluster-balancer.js';

type State = 'healthy' | 'degraded' | 'unhealthy';
interface ModelLocality {
  weight: number;
  hosts: State[];
}
type ModelCluster = ModelLocality[][]; // [priority][locality]

/** Expected share of picks per host key `p/l/h`, by Envoy's algorithm (factor 140, panic threshold 50). */
function envoyShares(cluster: ModelCluster): Map<string, number> {
  const levels = cluster.map((locs) => {
    const all = locs.flatMap((l) => l.hosts);
    const n = all.length;
    const h = all.filter((s) => s === 'healthy').length;
    const d = all.filter((s) => s === 'degraded').length;
    return { n, h, d };
  });
  const health = levels.map(({ n, h }) => (n === 0 ? 0 : Math.min(100, Math.trunc((140 * h) / n))));
  const degraded = levels.map(({ n, d }) => (n === 0 ? 0 : Math.min(100, Math.trunc((140 * d) / n))));
  const total = Math.min(
    100,
    [...health, ...degraded].reduce((a, b) => a + b, 0),
  );
  const hLoad = levels.map(() => 0);
  const dLoad = levels.map(() => 0);
  if (total > 0) {
    let left = 100;
    let firstH = -1;
    let firstD = -1;
    health.forEach((v, i) => {
      if (firstH < 0 && v > 0) firstH = i;
      const s = Math.min(left, Math.trunc((v * 100) / total));
      hLoad[i] = s;
      left -= s;
    });
    degraded.forEach((v, i) => {
      if (firstD < 0 && v > 0) firstD = i;
      const s = Math.min(left, Math.trunc((v * 100) / total));
      dLoad[i] = s;
      left -= s;
    });
    if (firstH >= 0) hLoad[firstH]! += left;
    else dLoad[firstD]! += left;
  }
  const panic = levels.map(({ n, h, d }) => total < 100 && (n === 0 || (100 * (h + d)) / n < 50));
  if (panic.every(Boolean)) {
    const hosts = levels.reduce((a, l) => a + l.n, 0);
    let left = 100;
    levels.forEach((l, i) => {
      hLoad[i] = Math.trunc((100 * l.n) / hosts);
      dLoad[i] = 0;
      left -= hLoad[i]!;
    });
    hLoad[levels.findIndex((l) => l.n > 0)]! += left;
  }
  const shares = new Map<string, number>();
  const add = (k: string, v: number) => shares.set(k, (shares.get(k) ?? 0) + v);
  cluster.forEach((locs, p) => {
    if (panic[p]) {
      // AllHosts: every host of the level alike, localities ignored, whichever load (healthy or degraded) chose it.
      const n = levels[p]!.n;
      const load = hLoad[p]! + dLoad[p]!;
      locs.forEach((l, li) => l.hosts.forEach((_, hi) => add(`${p}/${li}/${hi}`, load / 100 / n)));
      return;
    }
    for (const [cls, load] of [
      ['healthy', hLoad[p]!],
      ['degraded', dLoad[p]!],
    ] as const) {
      if (load === 0) continue;
      const eff = locs.map((l) => {
        const avail = l.hosts.filter((s) => s === cls).length;
        return l.hosts.length === 0 ? 0 : l.weight * Math.min(1, (1.4 * avail) / l.hosts.length);
      });
      const sum = eff.reduce((a, b) => a + b, 0);
      locs.forEach((l, li) => {
        const eligible = l.hosts.map((s, hi) => [s, hi] as const).filter(([s]) => s === cls);
        for (const [, hi] of eligible) add(`${p}/${li}/${hi}`, ((load / 100) * (eff[li]! / sum)) / eligible.length);
      });
    }
  });
  return shares;
}

const toAssignment = (cluster: ModelCluster): EndpointsModel => ({
  clusterName: 'c',
  overprovisioning: 1.4,
  localities: cluster.flatMap((locs, p) =>
    locs.map((l, li) => ({
      locality: { region: `r${p}`, zone: `z${li}`, subZone: '' },
      priority: p,
      weight: l.weight,
      endpoints: l.hosts.map((s, hi): EndpointModel => ({
        host: `${p}/${li}/${hi}`,
        port: 1,
        healthy: s === 'healthy',
        ...(s === 'degraded' ? { degraded: true } : {}),
        weight: 1,
        tlsMode: 'disabled',
      })),
    })),
  ),
});

const clusterArb: fc.Arbitrary<ModelCluster> = fc.array(
  fc.array(
    fc.record({
      weight: fc.integer({ min: 1, max: 5 }),
      hosts: fc.array(fc.constantFrom<State>('healthy', 'healthy', 'degraded', 'unhealthy', 'unhealthy'), {
        minLength: 1,
        maxLength: 5,
      }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  { minLength: 1, maxLength: 3 },
);

describe("the balancer against a reference model of Envoy's algorithm", () => {
  it('gives every host its share of picks (fast-check, 300 clusters)', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const b = new ClusterBalancer({ name: 'c', discovery: 'EDS', connectTimeoutMs: 1000 });
        b.setEndpoints(toAssignment(cluster));
        const expected = envoyShares(cluster);
        const picks = 3000;
        const counts = new Map<string, number>();
        for (let i = 0; i < picks; i++) {
          const h = b.pick({ now: 0 });
          assert.ok(h, 'a pick always finds a host (panic covers the unhealthy case)');
          counts.set(h.endpoint.host, (counts.get(h.endpoint.host) ?? 0) + 1);
        }
        for (const key of new Set([...expected.keys(), ...counts.keys()])) {
          const want = (expected.get(key) ?? 0) * picks;
          const got = counts.get(key) ?? 0;
          assert.ok(
            Math.abs(got - want) <= picks * 0.01 + 3,
            `${key}: ${got} picks, Envoy's model expects ${want.toFixed(1)} (${JSON.stringify(cluster)})`,
          );
        }
      }),
      {
        numRuns: 300,
        examples: [
          [
            [
              [{ weight: 1, hosts: ['degraded', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy'] }],
              [{ weight: 1, hosts: ['healthy', 'unhealthy'] }],
            ],
          ],
        ],
      },
    );
  });
});
