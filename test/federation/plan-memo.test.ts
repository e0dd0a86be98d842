// Incremental planning (plan-memo.ts): a plan made with a memo of earlier plans must equal a fresh plan of the same
// inputs, whatever changed in between, and must re-plan only the services the change touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCase, type ExpandedCase } from './support/cases.js';
import { plan, type PlanInput, type ServicePlan } from '../../src/federation/plan.js';
import { PlanMemo } from '../../src/federation/plan-memo.js';
import type { ClusterInventory } from '../../src/federation/inventory.js';
import type { FederationConfig } from '../../src/federation/types.js';

const DIR = new URL('./plan-cases/', import.meta.url).pathname;

/** Plans with the memo and without, asserts they are equal, and returns the memo's figures. */
function planBoth(memo: PlanMemo<ServicePlan>, input: PlanInput, what: string) {
  const fresh = plan(input);
  const memoised = plan({ ...input, memo });
  assert.deepStrictEqual(memoised, fresh, `${what}: the memoised plan differs from a fresh one`);
  return { ...memo.stats };
}

const inventory = (x: { inventories: ClusterInventory[] }, name: string): ClusterInventory => {
  const inv = x.inventories.find((i) => i.cluster === name);
  assert.ok(inv, `no inventory of ${name}`);
  return inv;
};

/** A copy of the case's inventories in which `edit` changed one cluster's (the others keep their identity). */
function edited(x: ExpandedCase, name: string, edit: (inv: ClusterInventory) => void): ExpandedCase {
  const copy = structuredClone(inventory(x, name));
  edit(copy);
  return { ...x, inventories: x.inventories.map((i) => (i.cluster === name ? copy : i)) };
}

const input = (x: ExpandedCase): PlanInput => ({
  config: x.config,
  inventories: x.inventories,
  resolved: x.resolved,
});

test('every plan case, planned in turn through one memo and then again, equals its fresh plan', () => {
  const memo = new PlanMemo<ServicePlan>();
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 9);
  for (const round of [1, 2]) {
    for (const file of files) planBoth(memo, input(loadCase(join(DIR, file)).expanded), `${file}, round ${round}`);
  }
});

test('an unchanged world is planned from the memo alone', () => {
  const memo = new PlanMemo<ServicePlan>();
  const x = loadCase(join(DIR, 'three-clusters.yaml')).expanded;
  const first = planBoth(memo, input(x), 'first plan');
  assert.equal(first.reused, 0);
  assert.ok(first.planned > 0);
  const again = planBoth(memo, input(x), 'same inputs');
  assert.deepEqual(again, { reused: first.planned, planned: 0 });
});

test('a change in one cluster re-plans exactly the services that cluster runs, in every client', () => {
  const memo = new PlanMemo<ServicePlan>();
  const x = loadCase(join(DIR, 'three-clusters.yaml')).expanded;
  const total = planBoth(memo, input(x), 'first plan').planned;
  const servicesOf = (name: string) => inventory(x, name).services.filter((s) => !s.gateway).length;
  const clients = x.inventories.length;

  // cluster-3's gateway moves: every client plans again each service cluster-3 runs (cluster-3 too: its own plan
  // reads cluster-3's services as the local side).
  const moved = edited(x, 'cluster-3', (inv) => {
    const g = inv.gateways[0];
    assert.ok(g);
    g.addresses = [{ type: 'ip', value: '127.3.200.9' }];
  });
  const afterMove = planBoth(memo, input(moved), 'gateway address changed');
  assert.equal(afterMove.planned, clients * servicesOf('cluster-3'));
  assert.equal(afterMove.planned + afterMove.reused, total);
  assert.ok(afterMove.planned < total, 'cluster-3 runs fewer services than the mesh has');

  // One of cluster-1's details pods becomes unready: only details is planned again.
  const unready = edited(moved, 'cluster-1', (inv) => {
    const w = inv.services.find((s) => s.name === 'details')?.workloads[0];
    assert.ok(w);
    w.ready = false;
  });
  assert.equal(planBoth(memo, input(unready), 'a pod unready').planned, clients);

  // A label that stops a service's exposure, and a service gone from a cluster.
  const relabelled = edited(unready, 'cluster-2', (inv) => {
    const s = inv.services.find((s) => s.name === 'reviews');
    assert.ok(s);
    s.labels = { ...s.labels, team: 'b' };
  });
  assert.equal(planBoth(memo, input(relabelled), 'a service relabelled').planned, clients);
  const gone = edited(relabelled, 'cluster-2', (inv) => {
    inv.services = inv.services.filter((s) => s.name !== 'productpage');
  });
  assert.equal(planBoth(memo, input(gone), 'a service deleted').planned, clients);

  // A gateway pod's locality (the entries' locality comes from it), then a cluster dropped and one renamed.
  const relocated = edited(gone, 'cluster-2', (inv) => {
    const pod = inv.gateways[0]?.pods[0];
    assert.ok(pod);
    pod.locality = { region: 'eu-west-1', zone: 'eu-west-1c', subzone: '' };
  });
  planBoth(memo, input(relocated), 'a gateway pod moved');
  const two = { ...relocated, inventories: relocated.inventories.filter((i) => i.cluster !== 'cluster-3') };
  planBoth(memo, input(two), 'a cluster dropped');
  planBoth(memo, input(relocated), 'three clusters again');
  // Renamed: a service cluster-4 lacks has the signature it had while cluster-3 lacked it; its decisions do not.
  const renamed = {
    ...relocated,
    inventories: relocated.inventories.map((i) => (i.cluster === 'cluster-3' ? { ...i, cluster: 'cluster-4' } : i)),
  };
  assert.equal(planBoth(memo, input(renamed), 'a cluster renamed').reused, 0, 'another cluster list starts over');
});

test('new configuration, new resolutions and a client network change start over where they must', () => {
  const memo = new PlanMemo<ServicePlan>();
  const dns = loadCase(join(DIR, 'dns-named-address.yaml')).expanded;
  planBoth(memo, input(dns), 'first plan');
  const [name] = Object.keys(dns.resolved);
  assert.ok(name, 'the case resolves a name');
  const resolvedElsewhere = { ...dns, resolved: { ...dns.resolved, [name]: ['127.9.9.9'] } };
  assert.equal(planBoth(memo, input(resolvedElsewhere), 'a name resolves elsewhere').reused, 0);

  // Networks from the clusters' nodes, not from the Cluster objects, so one can change under the same configuration.
  // cluster-2 runs no productpage and may reach cluster-1 only from cluster-2-network: when it moves there, its
  // plan of productpage (a service whose every input is unchanged) gains a ServiceEntry.
  const x = loadCase(join(DIR, 'reachability-one-way.yaml')).expanded;
  const config: FederationConfig = {
    ...x.config,
    clusters: x.config.clusters.map((c) => ({ ...c, spec: { ...c.spec, network: undefined } })),
  };
  const networks = (cluster2: string): ExpandedCase =>
    edited(
      edited({ ...x, config }, 'cluster-1', (inv) => (inv.network = 'cluster-1-network')),
      'cluster-2',
      (inv) => {
        inv.network = cluster2;
        inv.services = inv.services.filter((s) => s.name !== 'productpage');
      },
    );
  const productpageEntry = (p: ReturnType<typeof plan>) =>
    p.clusters['cluster-2']?.some((o) => o.kind === 'ServiceEntry' && o.metadata.name.includes('productpage'));
  planBoth(memo, input(networks('isolated-network')), 'cluster-2 isolated');
  assert.equal(productpageEntry(plan(input(networks('isolated-network')))), false);
  const joined = networks('cluster-2-network');
  const stats = planBoth(memo, input(joined), 'cluster-2 joins cluster-2-network');
  assert.equal(productpageEntry(plan(input(joined))), true, 'the network change gives cluster-2 the entry');
  assert.ok(stats.reused > 0, `cluster-1's plans of services cluster-2 lacks are kept: ${JSON.stringify(stats)}`);

  // Same inputs under a new configuration object: nothing is reused.
  const otherConfig = { ...joined, config: { ...config, workspaces: [...config.workspaces] } };
  assert.equal(planBoth(memo, input(otherConfig), 'a new configuration').reused, 0);
  const noWorkspace = { ...joined, config: { ...config, workspaces: [] } };
  planBoth(memo, input(noWorkspace), 'no workspace');
});

for (const base of ['three-clusters', 'exposure-by-labels', 'reachability-one-way']) {
  test(`${base}, then a random walk of 150 changes of every kind: each memoised plan equals the fresh one`, () => {
    // A fixed seed (mulberry32): a failure names its step and replays the same way.
    let seed = 20261206;
    const random = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const start = loadCase(join(DIR, `${base}.yaml`)).expanded;
    const configs: FederationConfig[] = [
      start.config,
      // Networks from the nodes, which the walk changes.
      {
        ...start.config,
        clusters: start.config.clusters.map((c) => ({ ...c, spec: { ...c.spec, network: undefined } })),
      },
      { ...start.config, workspaces: [] },
    ];
    const allServices = new Map(start.inventories.map((i) => [i.cluster, i.services]));
    let world: ExpandedCase = start;
    const memo = new PlanMemo<ServicePlan>();
    const pickCluster = () => world.inventories[random(world.inventories.length)]?.cluster ?? 'cluster-1';
    const edit = (change: (inv: ClusterInventory) => void) => (world = edited(world, pickCluster(), change));
    const changes: [string, () => void][] = [
      [
        'gateway address',
        () =>
          edit((inv) => {
            const g = inv.gateways[0];
            if (g) g.addresses = random(4) === 0 ? [] : [{ type: 'ip', value: `127.9.0.${random(3)}` }];
          }),
      ],
      [
        'pod readiness',
        () =>
          edit((inv) => {
            const w = inv.services[random(inv.services.length)]?.workloads[0];
            if (w) w.ready = !w.ready;
          }),
      ],
      [
        'service labels',
        () =>
          edit((inv) => {
            const s = inv.services[random(inv.services.length)];
            if (s) s.labels = [{}, { app: 'details' }, { app: 'ratings', tier: 'gold' }][random(3)] ?? {};
          }),
      ],
      [
        'service deleted or restored',
        () =>
          edit((inv) => {
            const all = allServices.get(inv.cluster) ?? [];
            const svc = all[random(all.length)];
            if (!svc) return;
            const present = inv.services.some((s) => s.name === svc.name);
            inv.services = present
              ? inv.services.filter((s) => s.name !== svc.name)
              : [...inv.services, structuredClone(svc)];
          }),
      ],
      [
        'node network',
        () => edit((inv) => (inv.network = ['cluster-1-network', 'cluster-2-network', 'other-network'][random(3)])),
      ],
      [
        'gateway pod zone',
        () =>
          edit((inv) => {
            const pod = inv.gateways[0]?.pods[0];
            if (pod) pod.locality = { ...pod.locality, zone: `z${random(3)}` };
          }),
      ],
      ['configuration', () => (world = { ...world, config: configs[random(configs.length)] ?? start.config })],
      ['nothing', () => {}],
    ];
    let reused = 0;
    for (let step = 0; step < 150; step++) {
      const [what, change] = changes[random(changes.length)] ?? ['nothing', () => {}];
      change();
      reused += planBoth(memo, input(world), `step ${step} (${what})`).reused;
    }
    assert.ok(reused > 0, 'the walk reused plans');
  });
}
