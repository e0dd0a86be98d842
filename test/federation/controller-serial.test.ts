// Reconcile passes never overlap. client-node informers fire `connect` synchronously inside `start()`, so the pass
// that first watches a cluster asks for another pass while it runs; that request must wait for it. Two passes side
// by side let one holding an older snapshot finish last: the installed controller planned the entries of the whole
// configuration, then wrote only what its first, partial snapshot asked for, and nothing woke it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadCase } from './support/cases.js';
import { seededClusters } from './support/seeded-clusters.js';
import { FederationController } from '../../src/federation/controller.js';
import { InMemoryConfigSource } from '../../src/federation/config-source.js';
import { kubeconfigConnector } from '../../src/federation/connect.js';
import type { ClusterClient, KObject, WatchedKind } from '../../src/kube/client.js';

const CASES = new URL('./plan-cases/', import.meta.url).pathname;

test('a pass that starts watching clusters is not overlapped by the pass their informers ask for', async (t) => {
  const { servers, config: full, running } = await seededClusters(t, 'two-clusters-seed');
  // As in an install: the clusters are registered first, the workspace and its setting a moment later.
  const config = new InMemoryConfigSource({ ...full, workspaces: [], workspaceSettings: [] });

  // Informers that take a while to list, as a loaded cluster's do: the first pass waits for them.
  const connect = kubeconfigConnector();
  const slowConnect = (c: Parameters<typeof connect>[0]): ClusterClient => {
    const client = connect(c);
    return {
      ...client,
      informer(kind, options) {
        const watched = client.informer(kind, options);
        const start = watched.informer.start.bind(watched.informer);
        watched.informer.start = async () => {
          await start();
          await sleep(300);
        };
        return watched;
      },
    };
  };
  const controller = new FederationController({ config, connect: slowConnect, debounceMs: 20 });
  running.controller = controller;
  let inFlight = 0;
  let most = 0;
  let passes = 0;
  const reconcileOnce = controller.reconcileOnce.bind(controller);
  controller.reconcileOnce = async () => {
    most = Math.max(most, ++inFlight);
    try {
      return await reconcileOnce();
    } finally {
      inFlight--;
      passes++;
    }
  };
  await controller.start();
  await sleep(100);
  config.set(full);

  const entries = () => servers['cluster-1'].list('WorkloadEntry', 'bookinfo');
  const end = Date.now() + 20_000;
  while (entries().length !== 12 && Date.now() < end) await sleep(50);
  // Settled: no pass running and none asked for.
  const quiet = Date.now() + 10_000;
  let before = -1;
  while ((inFlight > 0 || passes !== before) && Date.now() < quiet) {
    before = passes;
    await sleep(500);
  }
  assert.equal(most, 1, `at most one pass runs at a time (${most} ran together)`);
  assert.equal(entries().length, 12, 'the whole configuration was applied: 3 entries for each of 4 services');
});

test('a cluster whose empty lists end after the pass stopped waiting for them is reconciled once they end', async (t) => {
  // Informers that fire `connect` inside start() (as client-node's do), then list nothing for 300 ms: no add event
  // ever says the cluster became synced.
  const slowEmpty = (kind: string): WatchedKind => {
    const handlers = new Map<string, (() => void)[]>();
    let synced = false;
    const informer = {
      on: (event: string, cb: () => void) => void handlers.set(event, [...(handlers.get(event) ?? []), cb]),
      off: () => {},
      start: async () => {
        for (const cb of handlers.get('connect') ?? []) cb();
        await sleep(300);
        synced = true;
      },
      stop: async () => {},
      list: () => [],
      get: () => undefined,
    };
    return { kind, informer: informer as unknown as WatchedKind['informer'], synced: () => synced };
  };
  const written: KObject[] = [];
  const client = {
    name: 'cluster-1',
    informer: slowEmpty,
    create: async (o: KObject) => (written.push(o), { ...o, metadata: { ...o.metadata, resourceVersion: '1' } }),
  } as unknown as ClusterClient;
  const { expanded } = loadCase(join(CASES, 'two-clusters-seed.yaml'));
  const cluster = expanded.config.clusters.find((c) => c.metadata.name === 'cluster-1');
  assert.ok(cluster);
  const config = new InMemoryConfigSource({ ...expanded.config, clusters: [cluster] });
  const controller = new FederationController({ config, connect: () => client, debounceMs: 10, syncTimeoutMs: 50 });
  t.after(() => controller.stop());
  await controller.start();
  const end = Date.now() + 10_000;
  while (controller.last?.unsynced.length !== 0 && Date.now() < end) await sleep(50);
  assert.deepEqual(controller.last?.unsynced, [], 'a pass ran with the cluster synced');
  assert.ok(
    written.some((o) => o.kind === 'AuthorizationPolicy'),
    'and wrote what the plan asks for there (its trust-domain policy)',
  );
});

test('a cluster whose writes fail as a whole fails its pass, after the other clusters were written', async (t) => {
  const { servers, config, running } = await seededClusters(t, 'two-clusters-seed');
  // cluster-2's cache of generated DestinationRules cannot be read: its writes fail before the first one.
  const connect = kubeconfigConnector();
  const broken = (c: Parameters<typeof connect>[0]): ClusterClient => {
    const client = connect(c);
    if (c.metadata.name !== 'cluster-2') return client;
    return {
      ...client,
      informer(kind, options) {
        const watched = client.informer(kind, options);
        if (kind === 'DestinationRule') {
          watched.informer.list = () => {
            throw new Error('cache unreadable (test)');
          };
        }
        return watched;
      },
    };
  };
  const controller = new FederationController({
    config: new InMemoryConfigSource(config),
    connect: broken,
    debounceMs: 10,
  });
  running.controller = controller;
  const failed = new Promise<Error>((resolve) => controller.once('reconcile-error', (err: Error) => resolve(err)));
  await controller.start();
  const err = await failed;
  assert.match(err.message, /cache unreadable/);
  // The other cluster was still written, and the process lived on to say so.
  const end = Date.now() + 10_000;
  while (servers['cluster-1'].list('WorkloadEntry', 'bookinfo').length === 0 && Date.now() < end) await sleep(50);
  assert.ok(servers['cluster-1'].list('WorkloadEntry', 'bookinfo').length > 0);
});
