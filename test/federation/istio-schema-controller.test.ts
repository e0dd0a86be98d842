// The controller refuses to write an object that Istio's CRD schema rejects, over real HTTP against two embedded
// cluster APIs: a cluster input that meshbridge itself accepts (a Service with 129 named ports; Istio's
// WorkloadEntry maps at most 128) makes one generated entry invalid. That entry never reaches the cluster, every
// other object is written, and the setting's status is FAILED naming the object and the field path; once the input
// is fixed, the next reconcile writes it and the status is READY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Obj } from './support/embedded-api.js';
import { seededClusters } from './support/seeded-clusters.js';
import { FederationController } from '../../src/federation/controller.js';
import { InMemoryConfigSource } from '../../src/federation/config-source.js';
import { kubeconfigConnector } from '../../src/federation/connect.js';
import { MemoryStatusSink } from '../../src/federation/status.js';
import { validateObject } from '../../src/api/index.js';

const SETTING =
  'WorkspaceSetting/organizations/tetrate/tenants/tetrate/workspaces/bookinfo-ws/settings/bookinfo-ws-setting';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('an entry Istio would reject is not written and the setting says why; fixing the input writes it', async (t) => {
  // The seed: bookinfo in both clusters, the East-West gateway (with three addresses) in cluster-2.
  const { servers, config: base, running } = await seededClusters(t, 'two-clusters-seed');
  const c1 = servers['cluster-1'];
  const details = c1.list('Service', 'bookinfo').find((s) => s.metadata?.name === 'details') as Obj;
  const manyPorts = {
    ...details,
    spec: {
      ...(details.spec as object),
      ports: Array.from({ length: 129 }, (_, i) => ({ name: `http-${i}`, port: 9080 + i, protocol: 'TCP' })),
    },
  };
  // meshbridge's own resource model (what the embedded API enforces) accepts such a Service.
  assert.deepEqual(validateObject(manyPorts).errors, []);
  c1.put(manyPorts);

  const status = new MemoryStatusSink();
  const log: string[] = [];
  const controller = new FederationController({
    config: new InMemoryConfigSource(base),
    connect: kubeconfigConnector(),
    status,
    debounceMs: 20,
    log: (line) => log.push(line),
  });
  running.controller = controller;
  await controller.start();
  const entries = () => c1.list('WorkloadEntry', 'bookinfo').map((e) => e.metadata?.name ?? '');
  const cluster1 = () => status.latest.get(SETTING)?.clusters['cluster-1'];

  // (Until the clusters' first lists arrive, the status is FAILED for that reason: wait for the refusal.)
  const failed = await waitFor(
    'FAILED status naming MB7007',
    () => cluster1()?.state === 'FAILED' && /MB7007/.test(cluster1()?.message ?? '') && cluster1(),
  );
  // The message names the code, each refused object and the field path.
  const refused = [
    ...(failed.message ?? '').matchAll(
      /\[MB7007\] WorkloadEntry bookinfo\/(k-details-[0-9a-f-]+): spec\.ports: must NOT have more than 128 properties/g,
    ),
  ].map((m) => m[1]);
  assert.equal(refused.length, 3, failed.message);
  // Nothing of them reached the cluster; the other services' nine entries and every rule did.
  await waitFor('nine entries', () => entries().length === 9);
  assert.equal(entries().filter((n) => n.startsWith('k-details-')).length, 0);
  for (const name of refused) assert.ok(!entries().includes(name ?? ''));
  assert.equal(c1.list('DestinationRule', 'bookinfo').length, 4);
  assert.ok(
    log.some((l) => /cluster-1: .*3 refused/.test(l)),
    log.join('\n'),
  );
  // cluster-2 receives nothing from cluster-1 (no gateway there) and is not affected.
  assert.equal(status.latest.get(SETTING)?.clusters['cluster-2']?.state, 'READY');

  // Back within Istio's bounds: the next reconcile writes the three entries.
  c1.put(details);
  await waitFor('twelve entries', () => entries().length === 12);
  const ready = await waitFor('READY status', () => cluster1()?.state === 'READY' && cluster1());
  assert.match(ready.message ?? '', /12 WorkloadEntries/);
});
