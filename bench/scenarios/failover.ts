/**
 * Failover under constant load (QUALITY.md: graceful, hard failure, silent failure). One client sidecar (from
 * `dist/`) reaches `details` with three local endpoints (priority 0, each its own process) and one remote
 * endpoint (priority 1), fed by a real ADS server. 200 GET/s flow through the sidecar's explicit proxy while the
 * local endpoints are broken, then restored:
 * - graceful: the control plane pushes an endpoint set without them (a scale to 0), then with them again;
 * - hard-kill: every local process is killed -9, then started again on the same address;
 * - silent-stop: every local process is SIGSTOPped (connections open, nothing answers), then SIGCONTed.
 * - remote-kill: the local endpoints are gone (as in graceful) and then one of the two remote endpoints (the
 *   replicas behind the remote East-West gateway's addresses) is killed -9; the other one must take every request.
 * - flapping-readiness / flapping-kill (and -hysteresis): every local endpoint goes down for 2 s and up for 2 s,
 *   four times (marked UNHEALTHY by the control plane, or killed -9 and started again), without and with a
 *   failback policy (hold 5 s, ramp 2 s): requests failed, failbacks counted, the local share while flapping, and
 *   the time from the end of the last up phase to the first local answer.
 * Reported per case: requests sent and failed, time from the break to the first success served by the remote
 * endpoint, time from the restore (EDS pushed / processes listening / SIGCONT sent) to the first success served
 * locally again, and the slowest request. Time ratios are to the per-try idle timeout. Retry, hedging and timeout
 * settings are the mesh's route defaults (RETRY_POLICY of src/mesh/translate/routes.ts: 2 retries,
 * previous_hosts + previous_priorities, 750 ms per-try idle timeout; 10 s per request); outlier detection is
 * the generated DestinationRule's (5 consecutive errors, 100 %) with a 1 s base ejection instead of 30 s so
 * failback fits in a few seconds.
 */
import type { BenchRow, Scenario } from '../lib/types.js';
import { BenchMesh, randomLoopback } from '../lib/mesh.js';
import { startOpenLoad } from '../lib/open-load.js';
import type { LoadSample } from '../lib/open-load.js';
import type { TestAdsServer } from '../../test/support/ads-server.js';
import { spawnApp, viaProxy } from '../../test/support/proxies.js';
import type { AppProcess } from '../../test/support/proxies.js';
import { edsFor, serveSidecarConfig } from '../../test/support/xds-resources.js';
import { RETRY_POLICY, ROUTE_TIMEOUT_MS } from '../../src/mesh/translate/routes.js';

const durationMs = (d: { seconds: number; nanos: number }): number => d.seconds * 1000 + d.nanos / 1e6;
import type { TestService } from '../../test/support/xds-resources.js';

const RATE = 200;
const PER_TRY_MS = durationMs(RETRY_POLICY.per_try_idle_timeout);
const BEFORE_MS = 1000;
const OUTAGE_MS = 4000;
const AFTER_MS = 6000;
const URL = 'http://details:9080/';

/** The endpoints of one case. `p0` is replaced when a case restarts its processes. */
interface Topology {
  name: string;
  p0: AppProcess[];
  p1: AppProcess;
  /** A second remote endpoint (only the remote-kill case has one). */
  p1b?: AppProcess;
  ads: TestAdsServer;
  svc: TestService;
}

interface FailoverCase {
  name: 'graceful' | 'hard-kill' | 'silent-stop' | 'remote-kill';
  /** Breaks every local endpoint. */
  breakLocal(t: Topology): Promise<void>;
  /** Resolves when the local endpoints can answer again. */
  restoreLocal(t: Topology): Promise<void>;
}

const localName = (t: Topology, i: number): string => `${t.name}-local-${i + 1}`;

const CASES: FailoverCase[] = [
  {
    name: 'graceful',
    async breakLocal(t) {
      // What the control plane serves once the local Deployment has no ready pod: only the remote locality,
      // compacted to priority 0 (the receiving side rejects a gap).
      const remoteOnly = t.svc.endpoints.filter((e) => e.priority === 1).map((e) => ({ ...e, priority: 0 }));
      t.ads.set('endpoint', edsFor([{ ...t.svc, endpoints: remoteOnly }]));
    },
    async restoreLocal(t) {
      t.ads.set('endpoint', edsFor([t.svc]));
    },
  },
  {
    name: 'hard-kill',
    async breakLocal(t) {
      await Promise.all(t.p0.map((a) => a.kill('SIGKILL')));
    },
    async restoreLocal(t) {
      t.p0 = await Promise.all(t.p0.map((a, i) => spawnApp(localName(t, i), a.host, a.port)));
    },
  },
  {
    name: 'remote-kill',
    async breakLocal(t) {
      // The local copy is gone (scaled to 0: only the remote locality, compacted to priority 0), then one remote
      // replica dies without a word.
      const remoteOnly = t.svc.endpoints.filter((e) => e.priority === 1).map((e) => ({ ...e, priority: 0 }));
      t.ads.set('endpoint', edsFor([{ ...t.svc, endpoints: remoteOnly }]));
      await sleep(500);
      await t.p1b?.kill('SIGKILL');
    },
    async restoreLocal(t) {
      t.ads.set('endpoint', edsFor([t.svc]));
    },
  },
  {
    name: 'silent-stop',
    async breakLocal(t) {
      for (const a of t.p0) a.child.kill('SIGSTOP');
    },
    async restoreLocal(t) {
      for (const a of t.p0) a.child.kill('SIGCONT');
    },
  },
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The bench's details service (the mesh's route policy, the generated outlier detection with a 1 s ejection): the
 * `local` processes at priority 0, the `remote` ones at priority 1.
 */
function detailsService(
  local: readonly AppProcess[],
  remote: readonly AppProcess[],
  failback?: { delayMs: number; rampMs: number },
): TestService {
  return {
    name: 'details',
    namespace: 'bench',
    port: 9080,
    timeoutMs: ROUTE_TIMEOUT_MS,
    routePolicy: { retry_policy: RETRY_POLICY },
    outlier: { consecutive5xx: 5, baseEjectionMs: 1000, maxEjectionPercent: 100 },
    ...(failback ? { failback } : {}),
    endpoints: [
      ...local.map((a) => ({ address: a.host, port: a.port, priority: 0, locality: { region: 'eu-west-2' } })),
      ...remote.map((a) => ({ address: a.host, port: a.port, priority: 1, locality: { region: 'eu-west-1' } })),
    ],
  };
}

/** Starts the client sidecar for `svc` and proves the local path (one local answer) before the clock starts. */
async function startClient(
  mesh: BenchMesh,
  ads: TestAdsServer,
  svc: TestService,
  name: string,
): Promise<{ ip: string; sidecar: Awaited<ReturnType<BenchMesh['sidecar']>> }> {
  const ip = randomLoopback();
  serveSidecarConfig(ads, { podIp: ip, namespace: 'bench', services: [svc] });
  const sidecar = await mesh.sidecar(ip, ads.address, `client-${name}`, 'cluster-1');
  const first = await viaProxy({ host: ip }, URL, { timeoutMs: 5000 }).catch((err: Error) => ({
    status: 0,
    body: err.message,
  }));
  if (first.status !== 200 || !first.body.startsWith(`${name}-local-`)) {
    sidecar.kill('SIGKILL');
    throw new Error(`failover/${name}: before the fault, got ${first.status} ${first.body}`);
  }
  return { ip, sidecar };
}

/** The open-loop load of a case through the client sidecar at `ip`, stopped by the case or after `durationMs`. */
const loadThrough = (ip: string, durationMs: number) =>
  startOpenLoad({
    proxyHost: ip,
    url: URL,
    ratePerSecond: RATE,
    clientTimeoutMs: ROUTE_TIMEOUT_MS + 2000,
    maxDurationMs: durationMs,
  });

async function runCase(mesh: BenchMesh, c: FailoverCase): Promise<BenchRow[]> {
  const p0 = await Promise.all([0, 1, 2].map((i) => spawnApp(`${c.name}-local-${i + 1}`, randomLoopback(), 9080)));
  const p1 = await spawnApp(`${c.name}-remote`, randomLoopback(), 9080);
  const p1b = c.name === 'remote-kill' ? await spawnApp(`${c.name}-remote`, randomLoopback(), 9080) : undefined;
  const ads = await mesh.adsServer();
  const svc = detailsService(p0, p1b ? [p1, p1b] : [p1]);
  const t: Topology = { name: c.name, p0, p1, ...(p1b ? { p1b } : {}), ads, svc };
  const { ip, sidecar } = await startClient(mesh, ads, svc, c.name);
  try {
    const load = loadThrough(ip, BEFORE_MS + OUTAGE_MS + AFTER_MS + 5000);
    let samples: LoadSample[];
    let brokeAt = NaN;
    let restoredAt = NaN;
    try {
      await sleep(BEFORE_MS);
      brokeAt = performance.now();
      await c.breakLocal(t);
      await sleep(OUTAGE_MS);
      await c.restoreLocal(t);
      restoredAt = performance.now();
      await sleep(AFTER_MS);
    } finally {
      samples = await load.stop();
    }
    return rowsFor(c.name, samples, {
      brokeAt,
      restoredAt,
      remote: `${c.name}-remote`,
      localPrefix: `${c.name}-local-`,
    });
  } finally {
    // SIGKILL also ends a stopped process; the mesh's killAll catches anything left if this throws first.
    sidecar.kill('SIGKILL');
    // (AppProcess.kill waits for an exit, so only ask processes that have not exited yet.)
    const alive = [...t.p0, t.p1, ...(t.p1b ? [t.p1b] : [])].filter(
      (a) => a.child.exitCode === null && a.child.signalCode === null,
    );
    await Promise.all(alive.map((a) => a.kill('SIGKILL')));
  }
}

/**
 * Flapping: every local endpoint goes down for FLAP_DOWN_MS, then up again for FLAP_UP_MS, FLAP_CYCLES times.
 * `readiness`: the control plane marks them UNHEALTHY and HEALTHY again (a flapping readiness probe: no request
 * fails, but Envoy hands the whole load back at every HEALTHY); `kill`: the processes are killed -9 and started
 * again (outlier detection's growing ejection times already damp this one).
 */
const FLAP_DOWN_MS = 2000;
const FLAP_UP_MS = 2000;
const FLAP_CYCLES = 4;
/** The hysteresis of the flapping-hysteresis row: a returning host must stay up 5 s, then ramps over 2 s. */
const FLAP_FAILBACK = { delayMs: 5000, rampMs: 2000 };
/** At 200 GET/s a live local level answers every 5 ms or so; a gap this long means the traffic had left. */
const FAILBACK_GAP_MS = 500;

/**
 * Local endpoints that flap (up 2 s, down 2 s, 4 times, then up for good), with and without meshbridge's failback
 * hysteresis: requests failed, how often traffic came back to the local endpoints (a failback: an answer served
 * locally right after one served remotely, in completion order), and the share served locally while flapping.
 */
async function runFlapping(mesh: BenchMesh, mode: 'readiness' | 'kill', hysteresis: boolean): Promise<BenchRow[]> {
  const name = `flapping-${mode}${hysteresis ? '-hysteresis' : ''}`;
  const p0 = await Promise.all([0, 1, 2].map((i) => spawnApp(`${name}-local-${i + 1}`, randomLoopback(), 9080)));
  const p1 = await spawnApp(`${name}-remote`, randomLoopback(), 9080);
  const ads = await mesh.adsServer();
  const svc = detailsService(p0, [p1], hysteresis ? FLAP_FAILBACK : undefined);
  let locals = p0;
  const { ip, sidecar } = await startClient(mesh, ads, svc, name);
  try {
    const flapMs = FLAP_CYCLES * (FLAP_DOWN_MS + FLAP_UP_MS);
    const load = loadThrough(ip, BEFORE_MS + flapMs + AFTER_MS + 10_000);
    let samples: LoadSample[];
    let flapStart = NaN;
    let flapEnd = NaN;
    try {
      await sleep(BEFORE_MS);
      flapStart = performance.now();
      const withLocal = (healthy: boolean): TestService => ({
        ...svc,
        endpoints: svc.endpoints.map((e) => (e.priority === 0 ? { ...e, healthy } : e)),
      });
      for (let cycle = 0; cycle < FLAP_CYCLES; cycle++) {
        if (mode === 'kill') await Promise.all(locals.map((a) => a.kill('SIGKILL')));
        else ads.set('endpoint', edsFor([withLocal(false)]));
        await sleep(FLAP_DOWN_MS);
        if (mode === 'kill') {
          locals = await Promise.all(locals.map((a, i) => spawnApp(`${name}-local-${i + 1}`, a.host, a.port)));
        } else ads.set('endpoint', edsFor([withLocal(true)]));
        await sleep(FLAP_UP_MS);
      }
      flapEnd = performance.now();
      await sleep(AFTER_MS + FLAP_FAILBACK.delayMs + FLAP_FAILBACK.rampMs);
    } finally {
      samples = await load.stop();
    }
    const scenario = `failover/${name}`;
    const ok = samples.filter((s) => s.status === 200).sort((a, b) => a.doneAt - b.doneAt);
    const isLocal = (s: LoadSample): boolean => s.body.startsWith(`${name}-local-`);
    // A failback: a local answer after at least FAILBACK_GAP_MS without any (during a ramp, local and remote
    // answers interleave: that is one failback, not many).
    let failbacks = 0;
    let lastLocal = -Infinity;
    for (const cur of ok) {
      if (!isLocal(cur)) continue;
      if (cur.doneAt >= flapStart && cur.doneAt - lastLocal > FAILBACK_GAP_MS) failbacks++;
      lastLocal = cur.doneAt;
    }
    const during = ok.filter((s) => s.doneAt >= flapStart && s.doneAt < flapEnd);
    const localShare = during.length ? (100 * during.filter(isLocal).length) / during.length : NaN;
    const failed = samples.filter((s) => s.status !== 200);
    for (const [k, n] of countBy(failed.map((f) => `${f.status} ${f.body.slice(0, 60)}`))) {
      process.stdout.write(`  ${scenario}: ${n} x ${k}\n`);
    }
    return [
      { scenario, metric: 'requests_sent', value: samples.length, unit: 'requests', ratio: null },
      { scenario, metric: 'requests_failed', value: failed.length, unit: 'requests', ratio: null },
      { scenario, metric: 'failbacks', value: failbacks, unit: 'count', ratio: null },
      { scenario, metric: 'local_share_while_flapping', value: round(localShare), unit: '%', ratio: null },
      {
        scenario,
        metric: 'first_local_after_flapping',
        value: round(firstSuccess(samples, flapEnd, (body) => body.startsWith(`${name}-local-`))),
        unit: 'ms',
        ratio: null,
      },
    ];
  } finally {
    sidecar.kill('SIGKILL');
    const alive = [...locals, p1].filter((a) => a.child.exitCode === null && a.child.signalCode === null);
    await Promise.all(alive.map((a) => a.kill('SIGKILL')));
  }
}

function countBy(keys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

/** Milliseconds from `from` to the first successful answer by a matching app completed at or after `from`. */
function firstSuccess(samples: LoadSample[], from: number, match: (body: string) => boolean): number {
  const done = samples.filter((s) => s.status === 200 && match(s.body) && s.doneAt >= from).map((s) => s.doneAt);
  return done.length === 0 ? NaN : Math.min(...done) - from;
}

function rowsFor(
  name: string,
  samples: LoadSample[],
  at: { brokeAt: number; restoredAt: number; remote: string; localPrefix: string },
): BenchRow[] {
  const scenario = `failover/${name}`;
  const failed = samples.filter((s) => s.status !== 200);
  const toRemote = firstSuccess(samples, at.brokeAt, (b) => b === at.remote);
  const failback = firstSuccess(samples, at.restoredAt, (b) => b.startsWith(at.localPrefix));
  const slowest = Math.max(0, ...samples.map((s) => s.doneAt - s.sentAt));
  if (failed.length > 0) {
    // Why requests failed matters more than how many: print the distinct reasons next to the figures.
    const reasons = new Map<string, number>();
    for (const f of failed) {
      const key = `${f.status} ${f.body.slice(0, 60)}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    for (const [k, n] of reasons) process.stdout.write(`  ${scenario}: ${n} x ${k}\n`);
  }
  const ms = (metric: string, v: number): BenchRow => ({
    scenario,
    metric,
    value: round(v),
    unit: 'ms',
    ratio: round(v / PER_TRY_MS, 2),
  });
  return [
    { scenario, metric: 'requests_sent', value: samples.length, unit: 'requests', ratio: null },
    { scenario, metric: 'requests_failed', value: failed.length, unit: 'requests', ratio: null },
    ms('first_remote_success', toRemote),
    ms('failback_first_local_success', failback),
    ms('slowest_request', slowest),
  ];
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const scenario: Scenario = {
  name: 'failover',
  description:
    'graceful / kill -9 / SIGSTOP of every local endpoint, kill -9 of a remote replica with the local copy ' +
    'gone, and local endpoints flapping (down 2 s, up 2 s, x4: UNHEALTHY in EDS, or kill -9) without and with a ' +
    '5 s + 2 s failback policy, ' +
    `at 200 GET/s: failed requests, time to the remote, time back (ratios to the ${PER_TRY_MS} ms per-try idle timeout; ` +
    'NaN = never)',
  async run(): Promise<BenchRow[]> {
    const mesh = await BenchMesh.create();
    try {
      const rows: BenchRow[] = [];
      for (const c of CASES) rows.push(...(await runCase(mesh, c)));
      for (const mode of ['readiness', 'kill'] as const) {
        for (const hysteresis of [false, true]) rows.push(...(await runFlapping(mesh, mode, hysteresis)));
      }
      return rows;
    } finally {
      await mesh.close();
    }
  },
};

export default scenario;
