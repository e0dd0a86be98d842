/**
 * The controller's health and metrics listener (`controller --health-listen`) around a real controller reconciling
 * the seed against two embedded cluster APIs: /readyz turns 200 only after a pass, /metrics counts the objects the
 * pass wrote and the clusters it read, and the listener refuses everything but reading its three paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedApi, kubeconfigFor } from './support/embedded-api.js';
import { loadCase } from './support/cases.js';
import {
  FederationController,
  InMemoryConfigSource,
  kubeconfigConnector,
  startHealthServer,
} from '../../src/federation/index.js';

test('probes and metrics follow the reconcile passes; nothing else is served', async (t) => {
  const servers = { 'cluster-1': new EmbeddedApi(), 'cluster-2': new EmbeddedApi() };
  const dir = mkdtempSync(join(tmpdir(), 'mb-health-'));
  t.after(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  await Promise.all(Object.values(servers).map((s) => s.start()));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(servers));
  const { expanded } = loadCase(join(import.meta.dirname, 'plan-cases', 'two-clusters-seed.yaml'));
  for (const [name, raw] of Object.entries(expanded.raw)) {
    const s = servers[name as keyof typeof servers];
    s.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
    for (const list of Object.values(raw)) for (const o of list) s.put(o as never);
  }
  const controller = new FederationController({
    config: new InMemoryConfigSource(expanded.config),
    connect: kubeconfigConnector(join(dir, 'kubeconfig')),
    resolver: async () => [],
    debounceMs: 20,
  });
  const health = await startHealthServer({ controller, host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await health.close();
    await controller.stop();
  });
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${health.url}${path}`, init);
    return { status: res.status, text: await res.text() };
  };

  assert.deepEqual(await get('/healthz'), { status: 200, text: 'ok\n' });
  assert.equal((await get('/readyz')).status, 503, 'not ready before a pass');

  await controller.start();
  // The first passes may run before every informer has listed; the seed's entries appear once both clusters have.
  for (const end = Date.now() + 20_000; servers['cluster-1'].list('WorkloadEntry', 'bookinfo').length === 0;) {
    if (Date.now() > end) throw new Error('no WorkloadEntry in cluster-1 after 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  // The pass that wrote them (or the one its own writes' watch events start) ends with `reconciled`.
  await Promise.race([
    new Promise((r) => controller.once('reconciled', r)),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no reconcile pass ended within 10 s')), 10_000)),
  ]);
  assert.equal((await get('/readyz')).status, 200);

  const metrics = (await get('/metrics')).text;
  const created = Number(
    /meshbridge_objects_written_total\{cluster="cluster-1",operation="create"\} (\d+)/.exec(metrics)?.[1],
  );
  const entries = servers['cluster-1'].list('WorkloadEntry', 'bookinfo').length;
  assert.ok(entries > 0 && created >= entries, `created ${created} counted, ${entries} WorkloadEntries in cluster-1`);
  assert.match(metrics, /meshbridge_cluster_synced\{cluster="cluster-1"\} 1/);
  assert.match(metrics, /meshbridge_cluster_synced\{cluster="cluster-2"\} 1/);
  assert.match(metrics, /meshbridge_reconcile_duration_seconds_count\{result="ok"\} [1-9]/);

  assert.equal((await get('/healthz', { method: 'POST', body: 'x' })).status, 405);
  assert.equal((await get('/config')).status, 404);
  assert.equal((await get('/../healthz/..%2f')).status, 404);
});

test('before it follows a controller: a standby replica is ready, a starting one is not', async (t) => {
  for (const [standby, status, text] of [
    [true, 200, 'standby\n'],
    [false, 503, 'not ready: starting\n'],
  ] as const) {
    const health = await startHealthServer({ host: '127.0.0.1', port: 0, standby });
    t.after(() => health.close());
    const res = await fetch(`${health.url}/readyz`);
    assert.deepEqual({ status: res.status, text: await res.text() }, { status, text });
    assert.equal((await fetch(`${health.url}/healthz`)).status, 200);
  }
});
