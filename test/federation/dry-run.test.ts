/**
 * `controller --dry-run` (src/federation/dry-run.ts) against two embedded cluster APIs through
 * @kubernetes/client-node: it reports exactly the writes the controller would make (the plan's objects to create in
 * an empty cluster, nothing once applied, a stale object to delete), writes nothing itself, and reports a cluster it
 * cannot read instead of failing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedApi, kubeconfigFor, type Obj } from './support/embedded-api.js';
import { loadCase } from './support/cases.js';
import {
  applyChanges,
  diff,
  dryRun,
  formatDryRun,
  kubeconfigConnector,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  OWNED_KINDS,
  plan,
} from '../../src/federation/index.js';
import type { Cluster, FederationConfig } from '../../src/federation/index.js';
import { istioSchemaIssues } from '../../src/federation/istio-schema.js';

const CASE = join(import.meta.dirname, 'plan-cases', 'two-clusters-seed.yaml');
const servers: Record<string, EmbeddedApi> = {};
let dir: string;
let config: FederationConfig;
let connect: (c: Cluster) => ReturnType<ReturnType<typeof kubeconfigConnector>>;

before(async () => {
  const { expanded } = loadCase(CASE);
  config = expanded.config;
  for (const [name, raw] of Object.entries(expanded.raw)) {
    const api = new EmbeddedApi();
    await api.start();
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
    for (const list of Object.values(raw)) for (const o of list as Obj[]) api.put(o);
    servers[name] = api;
  }
  dir = mkdtempSync(join(tmpdir(), 'mb-dry-run-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(servers));
  connect = kubeconfigConnector(join(dir, 'kubeconfig'));
});

after(async () => {
  for (const api of Object.values(servers)) await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

const managed = (cluster: string) =>
  OWNED_KINDS.flatMap((k) => servers[cluster]!.list(k)).filter(
    (o) => o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE,
  );

test('an empty cluster: every planned object is to be created, and the dry run writes none of them', async () => {
  const report = await dryRun({ config, connect, resolver: async () => [] });
  const c1 = report.clusters.find((c) => c.cluster === 'cluster-1');
  const { expanded } = loadCase(CASE);
  const planned = plan({ config, inventories: expanded.inventories, resolved: expanded.resolved }).clusters[
    'cluster-1'
  ];
  assert.ok(planned && planned.length > 0, 'the seed plans objects for cluster-1');
  assert.deepEqual(
    c1?.changes?.map((ch) => ch.op),
    planned.map(() => 'create'),
  );
  assert.deepEqual(managed('cluster-1'), [], 'nothing was written');
  const text = formatDryRun(report);
  assert.match(text, new RegExp(`cluster-1: ${planned.length} to create, 0 to update, 0 to delete`));
  assert.match(text, /\+ WorkloadEntry bookinfo\/k-details-/);
  assert.match(text, /dry run: nothing was written/);
});

test('once applied there is nothing to do; a stale object the controller owns is to be deleted', async () => {
  const client = connect(config.clusters.find((c) => c.metadata.name === 'cluster-1')!);
  const first = await dryRun({ config, connect, resolver: async () => [] });
  const changes = first.clusters.find((c) => c.cluster === 'cluster-1')!.changes!;
  const applied = await applyChanges(client, [...changes]);
  assert.equal(applied.failed.length, 0);
  const again = await dryRun({ config, connect, resolver: async () => [] });
  assert.deepEqual(again.clusters.find((c) => c.cluster === 'cluster-1')?.changes, []);

  servers['cluster-1']!.put({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: 'left-over', namespace: 'bookinfo', labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    spec: { hosts: ['gone.bookinfo.svc.cluster.local'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] },
  });
  const stale = await dryRun({ config, connect, resolver: async () => [] });
  const ops = stale.clusters.find((c) => c.cluster === 'cluster-1')!.changes!;
  assert.deepEqual(
    ops.map((c) => (c.op === 'delete' ? `${c.op} ${c.current.metadata?.name}` : c.op)),
    ['delete left-over'],
  );
  assert.ok(
    servers['cluster-1']!.list('ServiceEntry').some((o) => o.metadata?.name === 'left-over'),
    'still there',
  );
  // The same diff the controller runs agrees.
  const actual = (
    await Promise.all(OWNED_KINDS.map((k) => client.list(k, { labelSelector: MANAGED_SELECTOR })))
  ).flat();
  assert.equal(diff({ desired: [], actual }).filter((c) => c.op === 'delete').length, managed('cluster-1').length);
});

test('a cluster that cannot be read is reported, not fatal', async () => {
  const down = new EmbeddedApi();
  await down.start();
  const file = join(dir, 'kubeconfig-down');
  writeFileSync(file, kubeconfigFor({ ...servers, 'cluster-2': down }));
  await down.stop();
  const report = await dryRun({ config, connect: kubeconfigConnector(file), resolver: async () => [] });
  const c2 = report.clusters.find((c) => c.cluster === 'cluster-2');
  assert.equal(c2?.changes, undefined);
  assert.ok(c2?.error, 'the error is reported');
  assert.match(formatDryRun(report), /cluster-2: not read \(.+\); its objects in other clusters are kept/);
});

test('a dry run lists what the controller would refuse (a Service with 129 ports makes invalid entries)', async () => {
  const c1 = servers['cluster-1']!;
  const details = c1.list('Service', 'bookinfo').find((o) => o.metadata?.name === 'details')!;
  const ports = Array.from({ length: 129 }, (_, i) => ({ name: `http-${i}`, port: 9080 + i, protocol: 'TCP' }));
  c1.put({ ...details, spec: { ...(details.spec as object), ports } });
  try {
    const report = await dryRun({ config, connect, resolver: async () => [] });
    const cluster1 = report.clusters.find((c) => c.cluster === 'cluster-1')!;
    assert.equal(cluster1.refused?.length, 3);
    for (const r of cluster1.refused ?? []) {
      assert.equal(r.kind, 'WorkloadEntry');
      assert.match(r.name, /^k-details-[0-9a-f]{32}(-[23])?$/);
      assert.deepEqual(r.issues, [{ path: 'spec.ports', message: 'must NOT have more than 128 properties' }]);
    }
    assert.equal(
      (formatDryRun(report).match(/! would be refused: \[MB7007\] WorkloadEntry bookinfo\/k-details-/g) ?? []).length,
      3,
    );
    assert.deepEqual(report.clusters.find((c) => c.cluster === 'cluster-2')?.refused, []);
  } finally {
    c1.put(details);
  }
});

test('the text marks a change the controller would refuse as invalid against Istio schema, with its path', () => {
  const object = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name: 'k-details-1', namespace: 'bookinfo' },
    spec: { address: '10.0.0.1', weight: -1 },
  };
  const text = formatDryRun({
    clusters: [
      {
        cluster: 'cluster-1',
        changes: [{ op: 'create', object }],
        refused: [
          { kind: 'WorkloadEntry', namespace: 'bookinfo', name: 'k-details-1', issues: istioSchemaIssues(object) },
        ],
      },
    ],
    warnings: [],
  });
  assert.match(
    text,
    /\+ WorkloadEntry bookinfo\/k-details-1\n {4}! would be refused: \[MB7007\] WorkloadEntry bookinfo\/k-details-1: spec\.weight: must be >= 0/,
  );
});
