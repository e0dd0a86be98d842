import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterBalancer } from '../balancer/cluster-balancer.js';
import type { EndpointModel } from '../xds/model.js';
import type { BalancerView } from './balancer-watch.js';
import { diffViews, viewOf } from './balancer-watch.js';

const UP = 'outbound|9080||details.bookinfo.svc.cluster.local';
type H = [key: string, priority: number, ejected: boolean];
const view = (hosts: H[], healthyLoad: number[], panic: boolean[] = healthyLoad.map(() => false)): BalancerView => ({
  hosts: new Map(hosts.map(([k, priority, ejected]) => [k, { priority, locality: `loc-${priority}`, ejected }])),
  healthyLoad,
  panic,
});
const local = (ejected = false): H[] => [
  ['10.0.0.1:9080', 0, ejected],
  ['10.0.0.2:9080', 0, ejected],
];
const remote: H[] = [['10.9.0.1:15443', 1, false]];

describe('diffViews', () => {
  const cases: Array<{ name: string; before: BalancerView | undefined; after: BalancerView; kinds: string[] }> = [
    { name: 'a new cluster is a baseline', before: undefined, after: view(local(), [100]), kinds: [] },
    {
      name: "a cluster's first endpoints (EDS after CDS) are a baseline",
      before: view([], []),
      after: view([...local(), ...remote], [100, 0]),
      kinds: [],
    },
    {
      name: 'nothing changed, nothing recorded',
      before: view([...local(), ...remote], [100, 0]),
      after: view([...local(), ...remote], [100, 0]),
      kinds: [],
    },
    {
      name: 'both local hosts ejected: two ejections and the load moves to level 1',
      before: view([...local(), ...remote], [100, 0]),
      after: view([...local(true), ...remote], [0, 100]),
      kinds: ['ejection', 'ejection', 'priority-shift'],
    },
    {
      name: 'ejections end: two returns and the load comes back',
      before: view([...local(true), ...remote], [0, 100]),
      after: view([...local(), ...remote], [100, 0]),
      kinds: ['return', 'return', 'priority-shift'],
    },
    {
      name: 'local hosts leave EDS: the remote level becomes level 0 with the same load, still a shift',
      before: view([...local(), ...remote], [100, 0]),
      after: view([['10.9.0.1:15443', 0, false]], [100]),
      kinds: ['priority-shift'],
    },
    {
      name: 'one of two local pods removed: level 0 keeps a host, no shift',
      before: view(local(), [100]),
      after: view([['10.0.0.1:9080', 0, false]], [100]),
      kinds: [],
    },
    {
      name: 'panic entered and left per level',
      before: view(local(), [100], [false]),
      after: view(local(true), [100], [true]),
      kinds: ['ejection', 'ejection', 'panic-entered'],
    },
    {
      name: 'panic left',
      before: view(local(true), [100], [true]),
      after: view(local(), [100], [false]),
      kinds: ['return', 'return', 'panic-left'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const events = diffViews(UP, c.before, c.after);
      assert.deepEqual(
        events.map((e) => e.kind),
        c.kinds,
      );
      for (const e of events) assert.equal(e.upstream, UP);
    });
  }

  it('a shift carries the load before and after', () => {
    const [e] = diffViews(UP, view(remote, [100, 0]), view(remote, [30, 70]));
    assert.deepEqual(
      [e?.loadBefore, e?.loadAfter],
      [
        [100, 0],
        [30, 70],
      ],
    );
  });
});

describe('viewOf a real balancer', () => {
  it('sees outlier ejections and Envoy load', () => {
    const ep = (host: string): EndpointModel => ({ host, port: 9080, healthy: true, weight: 1, tlsMode: 'disabled' });
    const b = new ClusterBalancer({
      name: UP,
      discovery: 'EDS',
      connectTimeoutMs: 1000,
      outlier: {
        consecutive5xx: 1,
        consecutiveGatewayErrors: 1,
        intervalMs: 1000,
        baseEjectionMs: 1000,
        maxEjectionPercent: 100,
      },
    });
    b.setEndpoints({
      clusterName: UP,
      overprovisioning: 1.4,
      localities: [
        { locality: { region: 'a', zone: '', subZone: '' }, priority: 0, weight: 1, endpoints: [ep('10.0.0.1')] },
        { locality: { region: 'b', zone: '', subZone: '' }, priority: 1, weight: 1, endpoints: [ep('10.9.0.1')] },
      ],
    });
    const before = viewOf(b, 0);
    let ejectedHost: string | undefined;
    b.onEjected = (h) => (ejectedHost = h.key);
    const host = b.pick({ now: 0 });
    assert.equal(host?.key, '10.0.0.1:9080');
    assert.equal(b.record(host!, 'gateway', 0), true);
    assert.equal(ejectedHost, '10.0.0.1:9080');
    const after = viewOf(b, 1);
    assert.deepEqual(
      diffViews(UP, before, after).map((e) => [e.kind, e.priority ?? e.loadAfter]),
      [
        ['ejection', 0],
        ['priority-shift', [0, 100]],
      ],
    );
    // The ejection runs out after baseEjectionMs: the next view returns the host.
    assert.deepEqual(
      diffViews(UP, after, viewOf(b, 1500)).map((e) => e.kind),
      ['return', 'priority-shift'],
    );
  });
});

describe('shifts during a failback ramp', () => {
  const ramp = (load: number[], ramping = true): BalancerView => ({ ...view([...local(), ...remote], load), ramping });
  const cases: Array<{ name: string; before: BalancerView; after: BalancerView; kinds: string[] }> = [
    { name: 'a step within a quarter is not a shift', before: ramp([40, 60]), after: ramp([45, 55]), kinds: [] },
    {
      name: 'crossing a quarter is',
      before: ramp([45, 55]),
      after: ramp([52, 48]),
      kinds: ['priority-shift'],
    },
    { name: 'the ramp ending is', before: ramp([95, 5]), after: ramp([100, 0], false), kinds: ['priority-shift'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        diffViews(UP, c.before, c.after).map((e) => e.kind),
        c.kinds,
      );
    });
  }

  it('a 10 s ramp viewed every 500 ms records a handful of shifts, not one per view', () => {
    const ep = (host: string, healthy = true): EndpointModel => ({
      host,
      port: 9080,
      healthy,
      weight: 1,
      tlsMode: 'istio',
    });
    const assignment = (localHealthy: boolean) => ({
      clusterName: UP,
      overprovisioning: 1.4,
      localities: [
        {
          locality: { region: 'r1', zone: 'z1', subZone: '' },
          priority: 0,
          weight: 1,
          endpoints: [ep('l', localHealthy)],
        },
        { locality: { region: 'r2', zone: '', subZone: '' }, priority: 1, weight: 1, endpoints: [ep('r')] },
      ],
    });
    const b = new ClusterBalancer({
      name: UP,
      discovery: 'EDS',
      connectTimeoutMs: 1000,
      outlier: {
        consecutive5xx: 5,
        consecutiveGatewayErrors: 5,
        intervalMs: 1000,
        baseEjectionMs: 1000,
        maxEjectionPercent: 100,
      },
      failback: { delayMs: 0, rampMs: 10_000 },
    });
    const T = 1_000_000;
    b.setEndpoints(assignment(false), T);
    let before = viewOf(b, T);
    b.setEndpoints(assignment(true), T + 1);
    const shifts: number[][] = [];
    for (let t = T + 1; t <= T + 12_000; t += 500) {
      const after = viewOf(b, t);
      for (const e of diffViews(UP, before, after))
        if (e.kind === 'priority-shift') shifts.push([...(e.loadAfter ?? [])]);
      before = after;
    }
    assert.ok(shifts.length >= 2 && shifts.length <= 6, `shifts: ${JSON.stringify(shifts)}`);
    assert.deepEqual(shifts.at(-1), [100, 0], 'the last shift is the ramp ending with all load home');
  });
});
