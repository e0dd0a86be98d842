/**
 * Federation scale benchmark: S services across C clusters, every cluster an embedded Kubernetes API (SQLite store
 * + API server on its own loopback address, reached over HTTP through @kubernetes/client-node like a real cluster),
 * one federation controller. Service i runs in clusters i mod C and i+1 mod C behind each cluster's East-West
 * gateway, so every cluster holds WorkloadEntries for its own services' remote copies and ServiceEntries for the
 * services it does not run. Measured:
 * - initial sync: controller start -> every cluster holds every generated object;
 * - a gateway address change (cluster 0's load balancer gets a new IP) -> every WorkloadEntry and ServiceEntry
 *   in the other clusters that names it updated: p50, p99 and the last, over `--changes` changes;
 * - the controller's reconcile time for such a change.
 *
 * The controller runs in this process; the clusters' API servers run in a child (lib/federation-clusters.ts), as a
 * controller's clusters are elsewhere: the figures are the controller's, not the API servers' work on its thread.
 *
 * Run alone: `node --import tsx bench/federation.ts [services...] [--clusters C] [--changes N]` (`npm run
 * bench:scale` runs 100 and 1,000 services x 10 clusters; BENCH_LOG=1 prints the controller's log); it
 * default-exports a small scenario (100 services x 3 clusters) for `npm run bench`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FederationController, InMemoryConfigSource, kubeconfigConnector } from '../src/federation/index.js';
import type { BenchRow, Scenario } from './lib/types.js';
import { ClustersProcess } from './lib/federation-clusters.js';
import { config } from './lib/federation-world.js';
import { kubeconfigFor } from '../test/support/kubeconfig.js';

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** One size: returns its rows. */
export async function measure(services: number, clusterCount: number, changes: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mb-bench-fed-'));
  const world = new ClustersProcess();
  let controller: FederationController | undefined;
  const label = `federation ${services} svc x ${clusterCount} clusters`;
  try {
    await world.ready;
    const apis = await world.start({
      dir,
      clusters: clusterCount,
      services,
      base: 20 + Math.floor(Math.random() * 150),
    });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigFor(Object.fromEntries(apis.map((a) => [a.name, a]))));
    const log = process.env.BENCH_LOG
      ? (l: string) => process.stderr.write(`${Math.round(performance.now())} ${l}\n`)
      : undefined;
    const reconciles: number[] = [];
    const started = process.hrtime.bigint();
    controller = new FederationController({
      config: new InMemoryConfigSource(config(apis, kubeconfig)),
      connect: kubeconfigConnector(),
      debounceMs: 50,
      syncTimeoutMs: 60_000,
      ...(log ? { log } : {}),
    });
    controller.on('reconciled', (_r: unknown, seconds: number) => {
      reconciles.push(seconds * 1000);
      log?.(`pass took ${Math.round(seconds * 1000)} ms`);
    });
    await controller.start();
    // Every cluster holds one generated object per service: the WorkloadEntry of a service's remote copy where it
    // runs one, a ServiceEntry where it runs none.
    const initial = await world.awaitInitial({
      expected: services * clusterCount,
      quietMs: 2000,
      timeoutMs: 600_000,
    });
    const rows: BenchRow[] = [
      { scenario: label, metric: 'generated objects', value: initial.objects, unit: 'objects', ratio: null },
      {
        scenario: label,
        metric: 'initial sync',
        value: Math.round(Number(initial.lastWriteNs - started) / 1e6),
        unit: 'ms',
        ratio: null,
      },
    ];

    const latencies: number[] = [];
    const passes: number[] = [];
    for (let n = 1; n <= changes; n++) {
      const oldIp = n === 1 ? '10.0.0.1' : `10.200.0.${n - 1}`;
      const newIp = `10.200.0.${n}`;
      reconciles.length = 0;
      log?.(`change ${n}: gateway address ${oldIp} -> ${newIp}`);
      latencies.push(...(await world.changeGateway({ oldIp, newIp, timeoutMs: 120_000 })));
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
    await world.close();
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
