/**
 * Federation scale benchmark: S services across C clusters, every cluster an embedded Kubernetes API in this
 * process (SQLite store + API server on loopback, reached over HTTP through @kubernetes/client-node like a real
 * cluster), one federation controller. Service i runs in clusters i mod C and i+1 mod C behind each cluster's
 * East-West gateway, so every cluster holds WorkloadEntries for its own services' remote copies and ServiceEntries
 * for the services it does not run. Measured:
 * - initial sync: controller start -> every cluster holds every generated object;
 * - a gateway address change (cluster 0's load balancer gets a new IP) -> every WorkloadEntry and ServiceEntry
 *   in the other clusters that names it updated: p50, p99 and the last, over `--changes` changes;
 * - the controller's reconcile time for such a change.
 *
 * Run alone: `node --import tsx bench/federation.ts [services...] [--clusters C] [--changes N]` (`npm run
 * bench:scale` runs 100 and 1,000 services x 10 clusters; BENCH_LOG=1 prints the controller's log); it
 * default-exports a small scenario (100 services x 3 clusters) for `npm run bench`. The clusters' API servers run
 * on the controller's thread, so the figures include their work, as a 2-core machine allows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FederationController,
  InMemoryConfigSource,
  kubeconfigConnector,
  type FederationConfig,
} from '../src/federation/index.js';
import { startApiServer, type ApiServer } from '../src/local/server/api-server.js';
import { newApiToken } from '../src/local/server/guard.js';
import { ClusterStore } from '../src/local/store/cluster-store.js';
import type { ResourceRef, StoredObject } from '../src/local/store/types.js';
import type { BenchRow, Scenario } from './lib/types.js';
import { kubeconfigFor } from '../test/support/kubeconfig.js';

const NS = 'bench';
const GATEWAY = 'eastwest-gateway';
const GENERATED = new Set(['workloadentries', 'serviceentries']);

interface Cluster {
  readonly name: string;
  readonly store: ClusterStore;
  readonly server: ApiServer;
  readonly token: string;
}

const ref = (group: string, plural: string): ResourceRef => ({ group, plural });
const REFS: Record<string, ResourceRef> = {
  Namespace: ref('', 'namespaces'),
  Node: ref('', 'nodes'),
  Service: ref('', 'services'),
  Pod: ref('', 'pods'),
  IngressGateway: ref('install.tetrate.io', 'ingressgateways'),
};

/** The objects of cluster k: namespace, node, its services with a ready pod each, its gateway. */
export function clusterObjects(k: number, clusters: number, services: number, gatewayIp: string): StoredObject[] {
  const out: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/region': `region-${k}` } },
    },
    {
      apiVersion: 'install.tetrate.io/v1alpha1',
      kind: 'IngressGateway',
      metadata: { name: GATEWAY, namespace: NS },
      spec: { eastWestOnly: true },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: GATEWAY, namespace: NS, labels: { app: GATEWAY } },
      spec: { type: 'LoadBalancer', selector: { app: GATEWAY }, ports: [{ name: 'tls', port: 15443 }] },
      status: { loadBalancer: { ingress: [{ ip: gatewayIp }] } },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${GATEWAY}-0`, namespace: NS, labels: { app: GATEWAY } },
      spec: { nodeName: 'node-1' },
      status: { phase: 'Running', podIP: `127.${k + 1}.0.2`, conditions: [{ type: 'Ready', status: 'True' }] },
    },
  ];
  for (let i = 0; i < services; i++) {
    if (i % clusters !== k && (i + 1) % clusters !== k) continue;
    const app = `svc-${i}`;
    out.push(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: NS, labels: { app } },
        spec: { selector: { app }, ports: [{ name: 'http', port: 9080 }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${app}-0`, namespace: NS, labels: { app } },
        spec: { nodeName: 'node-1' },
        status: {
          phase: 'Running',
          podIP: `127.${k + 1}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      },
    );
  }
  return out as StoredObject[];
}

export function config(clusters: Cluster[], kubeconfig: string): FederationConfig {
  return {
    workspaces: [
      {
        apiVersion: 'api.tsb.tetrate.io/v2',
        kind: 'Workspace',
        metadata: { organization: 'o', tenant: 't', name: 'ws' },
        spec: { namespaceSelector: { names: [`*/${NS}`] } },
      },
    ],
    workspaceSettings: [
      {
        apiVersion: 'api.tsb.tetrate.io/v2',
        kind: 'WorkspaceSetting',
        metadata: { organization: 'o', tenant: 't', workspace: 'ws', name: 'setting' },
        spec: { defaultEastWestGatewaySettings: [{ workloadSelector: { namespace: NS, labels: { app: GATEWAY } } }] },
      },
    ],
    organizationSettings: [],
    clusters: clusters.map((c, k) => ({
      apiVersion: 'api.tsb.tetrate.io/v2',
      kind: 'Cluster',
      metadata: { organization: 'o', name: c.name },
      spec: {
        network: `net-${k}`,
        locality: { region: `region-${k}` },
        kubeconfig: { path: kubeconfig, context: c.name },
      },
    })),
  } as unknown as FederationConfig;
}

/** Addresses an object of a generated kind names (a WorkloadEntry's address, a ServiceEntry's endpoints'). */
function addressesOf(o: StoredObject): string[] {
  const spec = (o as { spec?: { address?: string; endpoints?: { address?: string }[] } }).spec;
  return [
    ...(spec?.address ? [spec.address] : []),
    ...(spec?.endpoints ?? []).flatMap((e) => (e.address ? [e.address] : [])),
  ];
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One size: returns its rows. */
export async function measure(services: number, clusterCount: number, changes: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mb-bench-fed-'));
  const clusters: Cluster[] = [];
  let controller: FederationController | undefined;
  const label = `federation ${services} svc x ${clusterCount} clusters`;
  try {
    const base = 20 + Math.floor(Math.random() * 150);
    for (let k = 0; k < clusterCount; k++) {
      const store = new ClusterStore({ file: join(dir, `c${k}.db`) });
      const token = newApiToken();
      const server = await startApiServer({ store, host: `127.${base}.${k}.1`, port: 0, token });
      clusters.push({ name: `c${k}`, store, server, token });
      for (const o of clusterObjects(k, clusterCount, services, `10.0.${k}.1`)) {
        store.create(REFS[String(o.kind)] as ResourceRef, o);
      }
    }
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      kubeconfigFor(Object.fromEntries(clusters.map((c) => [c.name, { url: c.server.url, token: c.token }]))),
    );
    // Every generated object's last write time, per cluster: what the measurements read.
    const writes = new Map<string, { at: number; addresses: string[] }>();
    for (const c of clusters) {
      c.store.subscribe((ch) => {
        if (!GENERATED.has(ch.resource.plural)) return;
        const key = `${c.name}/${ch.resource.plural}/${ch.object.metadata.name}`;
        if (ch.type === 'DELETED') writes.delete(key);
        else writes.set(key, { at: performance.now(), addresses: addressesOf(ch.object) });
      });
    }
    const reconciles: number[] = [];
    const started = performance.now();
    controller = new FederationController({
      config: new InMemoryConfigSource(config(clusters, kubeconfig)),
      connect: kubeconfigConnector(),
      debounceMs: 50,
      syncTimeoutMs: 60_000,
      ...(process.env.BENCH_LOG
        ? { log: (l: string) => process.stderr.write(`${Math.round(performance.now())} ${l}\n`) }
        : {}),
    });
    controller.on('reconciled', (_r: unknown, seconds: number) => reconciles.push(seconds * 1000));
    await controller.start();
    // Settled: every cluster holds one generated object per service (the WorkloadEntry of a service's remote copy
    // where it runs one, a ServiceEntry where it runs none), then two quiet seconds. Quiet alone is not enough: a
    // controller can pause that long between its first lists and its writes.
    const expected = services * clusterCount;
    let lastCount = -1;
    let quietSince = performance.now();
    await waitUntil(
      `the initial sync (${expected} generated objects)`,
      () => {
        if (writes.size !== lastCount) {
          lastCount = writes.size;
          quietSince = performance.now();
        }
        return writes.size >= expected && performance.now() - quietSince > 2000;
      },
      600_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${writes.size} written`);
    });
    const initialMs = quietSince - started;
    const objects = writes.size;
    const rows: BenchRow[] = [
      { scenario: label, metric: 'generated objects', value: objects, unit: 'objects', ratio: null },
      { scenario: label, metric: 'initial sync', value: Math.round(initialMs), unit: 'ms', ratio: null },
    ];

    const latencies: number[] = [];
    const passes: number[] = [];
    const gateway = clusters[0] as Cluster;
    const svcRef = REFS.Service as ResourceRef;
    for (let n = 1; n <= changes; n++) {
      const oldIp = n === 1 ? '10.0.0.1' : `10.200.0.${n - 1}`;
      const newIp = `10.200.0.${n}`;
      const affected = [...writes].filter(([, w]) => w.addresses.includes(oldIp)).map(([k]) => k);
      if (affected.length === 0) throw new Error(`no generated object names ${oldIp}`);
      reconciles.length = 0;
      const svc = gateway.store.get(svcRef, NS, GATEWAY) as StoredObject;
      const at = performance.now();
      gateway.store.update(svcRef, { ...svc, status: { loadBalancer: { ingress: [{ ip: newIp }] } } } as StoredObject);
      await waitUntil(
        `every object naming ${oldIp} updated`,
        () => affected.every((k) => writes.get(k)?.addresses.includes(newIp)),
        120_000,
      ).catch((err: Error) => {
        const stale = affected.filter((k) => !writes.get(k)?.addresses.includes(newIp));
        const sample = stale.slice(0, 3).map((k) => `${k} -> ${JSON.stringify(writes.get(k)?.addresses)}`);
        throw new Error(`${err.message}: ${stale.length} of ${affected.length} not updated, e.g. ${sample.join('; ')}`);
      });
      for (const k of affected) latencies.push((writes.get(k)?.at ?? at) - at);
      passes.push(...reconciles);
      await new Promise((r) => setTimeout(r, 300));
    }
    latencies.sort((a, b) => a - b);
    passes.sort((a, b) => a - b);
    rows.push(
      {
        scenario: label,
        metric: 'objects updated per change',
        value: latencies.length / changes,
        unit: 'objects',
        ratio: null,
      },
      {
        scenario: label,
        metric: 'gateway change -> object updated p50',
        value: Math.round(pct(latencies, 50)),
        unit: 'ms',
        ratio: null,
      },
      {
        scenario: label,
        metric: 'gateway change -> object updated p99',
        value: Math.round(pct(latencies, 99)),
        unit: 'ms',
        ratio: null,
      },
      {
        scenario: label,
        metric: 'gateway change -> last object updated',
        value: Math.round(latencies.at(-1) ?? NaN),
        unit: 'ms',
        ratio: null,
      },
      { scenario: label, metric: 'reconcile pass p50', value: Math.round(pct(passes, 50)), unit: 'ms', ratio: null },
    );
    return rows;
  } finally {
    await controller?.stop();
    for (const c of clusters) {
      await c.server.close();
      c.store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenario: Scenario = {
  name: 'federation',
  description: 'federation: 100 services x 3 embedded clusters, a gateway address change -> every entry updated',
  run: () => measure(100, 3, 3),
};
export default scenario;

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const sizes = args.filter((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')).map(Number);
  for (const s of sizes.length > 0 ? sizes : [100, 1000]) {
    for (const r of await measure(s, flag('--clusters', 10), flag('--changes', 3))) {
      process.stdout.write(`${r.scenario}: ${r.metric} = ${r.value} ${r.unit}\n`);
    }
  }
}
