/**
 * Control-plane scale benchmark: N services x P light ADS clients (real gRPC streams over loopback, each
 * subscribing like a sidecar: CDS and LDS wildcard, EDS for every cluster, RDS `outbound`, ACKing every response).
 * The clients run in child processes, up to 500 per process, and read only each response's envelope
 * (bench/lib/ads-client-main.ts): like sidecars, their work is not on the control plane's thread, so the figures
 * are the control plane's. Times cross processes on CLOCK_MONOTONIC (`process.hrtime`).
 * Measures, side by side in one run for a small and a large N:
 * - initial sync: all P proxies have all four types;
 * - change -> every proxy has the EDS push: one service gains an endpoint;
 * - work per change: the control plane's rebuild + push pass (ms) for that change.
 * Ratios compare each N to the first N (work per change should grow with what changed, not with N).
 *
 * Run alone: `node --import tsx bench/control-plane.ts [services...] [--proxies P] [--protocol sotw|delta]`; it also default-exports a
 * scenario object ({name, description, run()} returning {scenario, metric, value, unit, ratio} rows) for a runner.
 * Run alone, it merges its rows into `bench/results/scale.json` and redraws `scale-growth.svg`
 * (bench/lib/scale-results.ts).
 */
import { startControlPlane } from '../src/mesh/control-plane.js';
import { createMemorySource } from '../src/mesh/source.js';
import { ClientProcess, clientIp, nodeId } from './lib/ads-client-process.js';
import { firstResponses, startFloorServer } from './lib/ads-floor.js';
import { createSnapshot } from '../src/mesh/snapshot.js';
import type { MeshObject } from '../src/mesh/inputs.js';

/** One result row (the shape of the project's bench runner rows). */
interface Row {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  ratio: number | null;
}

const NS = 'bench';
const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.1`;

/**
 * The cluster: S services of two pods each, and one pod per proxy (`client-j` at the proxy's own IP, a replica of
 * service j mod S), so each proxy is a workload with its inbound port, as a sidecar is: its clusters and listeners
 * hold its own inbound resources beside the shared outbound ones.
 */
function objects(services: number, proxies: number): object[] {
  const out: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } },
  ];
  for (let i = 0; i < services; i++) {
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: NS },
      spec: { selector: { app: `svc-${i}` }, ports: [{ name: 'http', port: 9080 }] },
    });
    for (let k = 0; k < 2; k++) out.push(pod(i, k));
  }
  for (let j = 0; j < proxies; j++) {
    out.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `client-${j}`, namespace: NS, labels: { app: `svc-${j % services}` } },
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 9080 }] }] },
      status: { phase: 'Running', podIP: clientIp(j), conditions: [{ type: 'Ready', status: 'True' }] },
    });
  }
  return out;
}

function pod(i: number, k: number): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `svc-${i}-${k}`, namespace: NS, labels: { app: `svc-${i}` } },
    spec: { containers: [{ name: 'app', ports: [{ containerPort: 9080 }] }] },
    status: {
      phase: 'Running',
      podIP: `10.${(i >> 8) & 255}.${i & 255}.${k + 1}`,
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

/** The two ADS protocols a bench client may speak. */
type Protocol = 'sotw' | 'delta';

/** Light clients per child process: enough processes that none holds more than this many streams. */
const CLIENTS_PER_PROCESS = 500;

async function waitFor(cond: () => boolean, timeoutMs: number, everyMs = 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('benchmark condition not reached in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

interface CaseResult {
  initialMs: number;
  /** The control plane's CPU (user + system) from the first connection to the last proxy synced, per proxy. */
  initialCpuPerProxyMs: number;
  changeP50: number;
  changeP99: number;
  workMs: number;
  workCpuMs: number;
  /** The control plane's own change -> last ACK (its histogram's last value), p50/p99 over the changes. */
  lastAckP50: number;
  lastAckP99: number;
  /** Heap growth from before the proxies connected to after their initial sync, per proxy (KiB). */
  heapPerProxyKiB: number;
  /** The same clients' initial sync from the transport floor (lib/ads-floor.ts): the bytes alone. */
  floorMs: number;
}

/**
 * Heap in use after a full collection (`node --expose-gc`, as the bench scripts run): without one, garbage makes
 * the difference meaningless, so it is NaN.
 */
function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  gc();
  return process.memoryUsage().heapUsed;
}

/** Connects `proxies` light clients to `address`; resolves with the time until the last has all four types (ms). */
async function syncAll(
  processes: readonly ClientProcess[],
  address: string,
  proxies: number,
  services: number,
  protocol: Protocol,
): Promise<number> {
  const t0 = process.hrtime.bigint();
  const per = Math.ceil(proxies / processes.length);
  const synced = await Promise.all(
    processes.map((p, k) =>
      p.connect({ address, first: k * per, count: Math.min(per, proxies - k * per), services, protocol }),
    ),
  );
  return Number(synced.reduce((a, b) => (b > a ? b : a)) - t0) / 1e6;
}

const processesFor = (proxies: number) =>
  Array.from({ length: Math.ceil(proxies / CLIENTS_PER_PROCESS) }, () => new ClientProcess());

/** The initial sync of the same clients from the transport floor, serving proxy 0's responses to every proxy. */
async function floorSync(services: number, proxies: number, protocol: Protocol): Promise<number> {
  const snapshot = createSnapshot(objects(services, proxies) as MeshObject[]);
  const responses = firstResponses(snapshot, nodeId(0), protocol);
  const floor = await startFloorServer(host, responses);
  const processes = processesFor(proxies);
  try {
    await Promise.all(processes.map((p) => p.ready));
    return await syncAll(processes, floor.address, proxies, services, protocol);
  } finally {
    await Promise.all(processes.map((p) => p.close()));
    floor.close();
  }
}

async function runCase(services: number, proxies: number, changes: number, protocol: Protocol): Promise<CaseResult> {
  const source = createMemorySource(objects(services, proxies));
  const cp = await startControlPlane({ source, listen: { host, port: 0 }, clusterName: 'bench', debounceMs: 10 });
  const processes = processesFor(proxies);
  try {
    await Promise.all(processes.map((p) => p.ready));
    const heapBefore = settledHeap();
    const cpu0 = process.cpuUsage();
    const initialMs = await syncAll(processes, cp.address, proxies, services, protocol);
    const cpu = process.cpuUsage(cpu0);
    const initialCpuPerProxyMs = (cpu.user + cpu.system) / 1000 / proxies;
    await new Promise((r) => setTimeout(r, 200));
    const heapPerProxyKiB = (settledHeap() - heapBefore) / proxies / 1024;
    const latencies: number[] = [];
    const work: number[] = [];
    const workCpu: number[] = [];
    const lastAck: number[] = [];
    for (let n = 0; n < changes; n++) {
      const before = cp.stats({ proxies: false }).rebuilds;
      const start = process.hrtime.bigint();
      source.apply(pod(n % services, 10 + n));
      for (const ms of (await Promise.all(processes.map((p) => p.awaitEds(start)))).flat()) latencies.push(ms);
      // Counters only (listing every proxy's state would starve the server at 1,000 proxies), polled slowly.
      await waitFor(() => cp.stats({ proxies: false }).rebuilds > before, 5000, 20);
      const measured = lastAck.length > 0 ? lastAck[lastAck.length - 1] : undefined;
      await waitFor(() => cp.stats({ proxies: false }).lastConvergenceMs !== measured, 60_000, 20);
      const s = cp.stats({ proxies: false });
      work.push(s.lastRebuildMs);
      workCpu.push(s.lastRebuildCpuMs);
      lastAck.push(s.lastConvergenceMs ?? 0);
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      initialMs,
      initialCpuPerProxyMs,
      changeP50: quantile(latencies, 0.5),
      changeP99: quantile(latencies, 0.99),
      workMs: quantile(work, 0.5),
      workCpuMs: quantile(workCpu, 0.5),
      lastAckP50: quantile(lastAck, 0.5),
      lastAckP99: quantile(lastAck, 0.99),
      heapPerProxyKiB,
      floorMs: NaN,
    };
  } finally {
    await Promise.all(processes.map((p) => p.close()));
    await cp.close();
  }
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs the benchmark for each service count (the first one is the baseline of the ratios). */
export async function runControlPlaneBench(
  serviceCounts: number[],
  proxies: number,
  changes = 10,
  protocol: Protocol = 'sotw',
): Promise<Row[]> {
  const rows: Row[] = [];
  let base: CaseResult | undefined;
  for (const n of serviceCounts) {
    // Measured after the control plane is gone, so the two never share the machine.
    const r = { ...(await runCase(n, proxies, changes, protocol)), floorMs: await floorSync(n, proxies, protocol) };
    base ??= r;
    const scenario = `control-plane ${n} services x ${proxies} proxies (${protocol === 'delta' ? 'delta' : 'state of the world'})`;
    const ratio = (v: number, b: number) => (b > 0 ? round(v / b, 2) : null);
    const row = (metric: string, value: number, b: number, unit = 'ms') => ({
      scenario,
      metric,
      value: round(value, 2),
      unit,
      ratio: ratio(value, b),
    });
    rows.push(
      row('initial sync (all proxies, 4 types)', r.initialMs, base.initialMs),
      row('initial sync from the transport floor (same bytes, no control plane)', r.floorMs, base.floorMs),
      row('initial sync / transport floor', r.initialMs / r.floorMs, base.initialMs / base.floorMs, 'x'),
      row('control-plane CPU per proxy synced', r.initialCpuPerProxyMs, base.initialCpuPerProxyMs),
      row('change -> every proxy has EDS, p50', r.changeP50, base.changeP50),
      row('change -> every proxy has EDS, p99', r.changeP99, base.changeP99),
      row('control-plane work per change (rebuild + push)', r.workMs, base.workMs),
      row('control-plane CPU per change (rebuild + push)', r.workCpuMs, base.workCpuMs),
      row('change -> last ACK (control plane histogram), p50', r.lastAckP50, base.lastAckP50),
      row('change -> last ACK (control plane histogram), p99', r.lastAckP99, base.lastAckP99),
      // The clients live in other processes: this is the control plane's own heap per connected proxy.
      row('control-plane heap per proxy', r.heapPerProxyKiB, base.heapPerProxyKiB, 'KiB'),
    );
  }
  return rows;
}

/**
 * The small scale rows of `npm run bench` (bench/scenarios/index.ts): 10 and 100 services x 50 proxies, delta and
 * state of the world side by side. `npm run bench:scale` runs the full grid (10, 100, 1,000 services x 1,000
 * proxies) from the command line below.
 */
export default {
  name: 'control-plane',
  description:
    'ADS scale, 10 and 100 services x 50 in-process proxies, delta and state of the world: initial sync, change -> ' +
    'every proxy updated and -> last ACK, CPU per change, heap per proxy (ratios to 10 services)',
  run: async () => [
    ...(await runControlPlaneBench([10, 100], 50, 5, 'delta')),
    ...(await runControlPlaneBench([10, 100], 50, 5, 'sotw')),
  ],
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value;
  };
  const proxies = Number(option('--proxies') ?? 50);
  const protocol = option('--protocol') ?? 'sotw';
  if (protocol !== 'sotw' && protocol !== 'delta') throw new Error(`--protocol must be sotw or delta, got ${protocol}`);
  const counts = args.map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`service counts must be positive integers: ${args.join(' ')}`);
  const rows = await runControlPlaneBench(counts.length ? counts : [50, 400], proxies, 10, protocol);
  for (const r of rows) console.log(`${r.scenario} | ${r.metric} | ${r.value} ${r.unit} | ratio ${r.ratio ?? ''}`);
  // After the measurements, and loaded only then: the plotting library stays out of the measured heap.
  const { writeScaleResults } = await import('./lib/scale-results.js');
  console.log(`wrote ${(await writeScaleResults(rows)).join(', ')}`);
}
