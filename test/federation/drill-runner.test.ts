// Scheduled failover drills run by the federation controller against a real embedded cluster API over HTTP: the
// drill's lease appears on the Service when its run is due and goes at its end, the run is reported at its start
// and end, a suspended or deleted drill ends at once, and a drill never takes over a Service another drill holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedApi, kubeconfigFor, type Obj } from './support/embedded-api.js';
import { FederationController } from '../../src/federation/controller.js';
import { InMemoryConfigSource } from '../../src/federation/config-source.js';
import { kubeconfigConnector } from '../../src/federation/connect.js';
import { MemoryStatusSink } from '../../src/federation/status.js';
import type { DrillRunRecord, DrillRunSink } from '../../src/federation/drill-runner.js';
import type { FailoverDrill, FederationConfig } from '../../src/federation/types.js';
import { DRILL_ANNOTATIONS, drillAnnotations } from '../../src/api/index.js';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

class MemoryRuns implements DrillRunSink {
  readonly records: DrillRunRecord[] = [];
  async record(run: DrillRunRecord): Promise<boolean> {
    this.records.push(run);
    return true;
  }
}

const FQN = 'organizations/tetrate/tenants/t/workspaces/w/failoverdrills/';

function drill(name: string, spec: Partial<FailoverDrill['spec']>): FailoverDrill {
  return {
    apiVersion: 'failover.meshbridge.io/v1alpha1',
    kind: 'FailoverDrill',
    metadata: { organization: 'tetrate', tenant: 't', workspace: 'w', name },
    spec: { service: 'bookinfo/details', cluster: 'cluster-1', duration: '2s', ...spec },
  };
}

test('a scheduled drill holds its lease on the Service while its run is due, and reports the run', async (t) => {
  const api = new EmbeddedApi();
  const dir = mkdtempSync(join(tmpdir(), 'mb-drill-runner-'));
  const controllers: FederationController[] = [];
  t.after(async () => {
    for (const c of controllers) await c.stop();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await api.start();
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor({ 'cluster-1': api }));
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } });
  const service = (name: string): Obj => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'bookinfo', annotations: { keep: 'me' } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080 }] },
  });
  api.put(service('details'));
  api.put(service('reviews'));
  const annotationsOf = (name: string) =>
    (api.list('Service', 'bookinfo').find((s) => s.metadata?.name === name)?.metadata?.annotations ?? {}) as Record<
      string,
      string
    >;

  const base: FederationConfig = {
    workspaces: [],
    workspaceSettings: [],
    organizationSettings: [],
    clusters: [
      {
        apiVersion: 'api.tsb.tetrate.io/v2',
        kind: 'Cluster',
        metadata: { organization: 'tetrate', name: 'cluster-1' },
        spec: { kubeconfig: { path: kubeconfig, context: 'cluster-1' } },
      } as FederationConfig['clusters'][number],
    ],
  };
  const startAt = new Date(Date.now() + 1500).toISOString();
  const config = new InMemoryConfigSource({ ...base, failoverDrills: [drill('once', { startAt })] });
  const status = new MemoryStatusSink();
  const runs = new MemoryRuns();
  const controller = new FederationController({
    config,
    connect: kubeconfigConnector(),
    status,
    drillRuns: runs,
    debounceMs: 20,
  });
  controllers.push(controller);
  await controller.start();

  // Before its start: nothing drained, the status names the next run.
  await waitFor('the next run in the status', () =>
    /^next run at /.test(status.latest.get(`FailoverDrill/${FQN}once`)?.clusters['cluster-1']?.message ?? ''),
  );
  assert.equal(annotationsOf('details')[DRILL_ANNOTATIONS.id], undefined);

  // Due: the lease is on the Service, never past the run's end; other annotations are kept.
  const id = await waitFor('the lease', () => annotationsOf('details')[DRILL_ANNOTATIONS.id]);
  const until = Date.parse(annotationsOf('details')[DRILL_ANNOTATIONS.until] ?? '');
  assert.ok(until <= Date.parse(startAt) + 2000, 'the lease never outlasts the run');
  assert.equal(annotationsOf('details').keep, 'me');
  assert.match(id, /^once-[0-9a-z]+$/);
  await waitFor('the start reported', () => runs.records.find((r) => r.id === id && r.endedAtMs === undefined));
  assert.match(status.latest.get(`FailoverDrill/${FQN}once`)?.clusters['cluster-1']?.message ?? '', /^running once-/);

  // Its end: the lease goes, the end is reported, the Service keeps the rest.
  await waitFor('the lease gone', () => annotationsOf('details')[DRILL_ANNOTATIONS.id] === undefined, 5000);
  const end = await waitFor('the end reported', () => runs.records.find((r) => r.id === id && r.endedAtMs));
  assert.equal(end.endReason, 'its duration passed');
  assert.equal(end.service, 'details.bookinfo');
  assert.equal(end.drill, `${FQN}once`);
  assert.equal(annotationsOf('details').keep, 'me');

  // Another drill holds reviews: a scheduled one due meanwhile waits and says why, and takes nothing over.
  api.put({
    ...service('reviews'),
    metadata: {
      ...service('reviews').metadata,
      annotations: drillAnnotations('drill-cli', new Date(Date.now() + 4000)),
    },
  });
  const now = new Date(Date.now() + 200).toISOString();
  config.set({
    ...base,
    failoverDrills: [drill('blocked', { service: 'bookinfo/reviews', startAt: now, duration: '30s' })],
  });
  await waitFor('the waiting status', () =>
    /waits: another drill \(drill-cli\)/.test(
      status.latest.get(`FailoverDrill/${FQN}blocked`)?.clusters['cluster-1']?.message ?? '',
    ),
  );
  assert.equal(annotationsOf('reviews')[DRILL_ANNOTATIONS.id], 'drill-cli');
  // Once that drill's lease is gone, the scheduled run takes the Service for the rest of its window.
  const taken = await waitFor(
    'the scheduled run after the other drill',
    () => /^blocked-/.test(annotationsOf('reviews')[DRILL_ANNOTATIONS.id] ?? '') && annotationsOf('reviews'),
    8000,
  );
  assert.ok(taken);

  // Suspending it ends the run at once, reported as such.
  config.set({
    ...base,
    failoverDrills: [drill('blocked', { service: 'bookinfo/reviews', startAt: now, duration: '30s', suspend: true })],
  });
  await waitFor('the suspended run ended', () => annotationsOf('reviews')[DRILL_ANNOTATIONS.id] === undefined);
  const suspended = await waitFor('the suspension reported', () =>
    runs.records.find((r) => r.drill === `${FQN}blocked` && r.endedAtMs),
  );
  assert.equal(suspended.endReason, 'its FailoverDrill was suspended');

  // Deleting a drill mid-run ends it the same way.
  config.set({ ...base, failoverDrills: [drill('gone', { startAt: new Date().toISOString(), duration: '30s' })] });
  await waitFor('the deleted drill running', () => /^gone-/.test(annotationsOf('details')[DRILL_ANNOTATIONS.id] ?? ''));
  config.set({ ...base, failoverDrills: [] });
  await waitFor('the deleted drill ended', () => annotationsOf('details')[DRILL_ANNOTATIONS.id] === undefined);
  // The lease goes first, then the end is reported.
  const deleted = await waitFor('the deletion reported', () =>
    runs.records.find((r) => r.drill === `${FQN}gone` && r.endedAtMs),
  );
  assert.equal(deleted.endReason, 'its FailoverDrill was deleted');
});
