/**
 * A steady open-loop stream of GETs through a pod's sidecar (its explicit HTTP proxy, credential from the pod's
 * `http_proxy`): requests leave at a fixed rate whatever happens to earlier ones (catching up when timers fire
 * late on a busy machine), so a process kill under load shows up as failed requests instead of a slower loop.
 */
import { startOpenLoad } from '../../bench/lib/open-load.js';
import { proxyAuthorization } from '../../src/dataplane/sidecar/proxy-auth.js';

/** One request's outcome; `at` and `doneAt` are `Date.now()` milliseconds. */
export interface LoadSample {
  readonly at: number;
  readonly doneAt: number;
  readonly ok: boolean;
  /** HTTP status, 0 when the request failed at the client (refused, reset, timeout). */
  readonly status: number;
  readonly detail: string;
}

/** What a stopped load reports. */
export interface LoadReport {
  readonly sent: number;
  readonly failed: number;
  /** Requests sent per second over the run. */
  readonly rate: number;
  /** The first few failures, for the assertion message. */
  readonly failures: readonly LoadSample[];
  readonly samples: readonly LoadSample[];
}

/** Options of {@link startSteadyLoad}. */
export interface SteadyLoadOptions {
  /** The pod's `http_proxy` URL (the sidecar's outbound port and the pod's proxy credential). */
  readonly proxy: URL;
  /** Absolute URL as an application asks for it, e.g. `http://productpage.bookinfo:9080/productpage`. */
  readonly target: string;
  readonly ratePerSecond: number;
  /** A request unanswered by then counts as failed (default 5 s). */
  readonly timeoutMs?: number;
  /** What counts as success (default: HTTP 200). */
  readonly ok?: (status: number, body: string) => boolean;
}

/**
 * Starts the stream (the benchmark's open-loop sender, bench/lib/open-load.ts, with the pod's proxy and credential);
 * `stop()` stops sending and resolves once every request sent has an outcome.
 */
export function startSteadyLoad(o: SteadyLoadOptions): { stop(): Promise<LoadReport> } {
  const ok = o.ok ?? ((status: number) => status === 200);
  // The sender times requests with performance.now(); the reports use wall-clock times, to compare with faults.
  const t0 = Date.now();
  const perf0 = performance.now();
  const load = startOpenLoad({
    proxyHost: o.proxy.hostname,
    proxyPort: Number(o.proxy.port),
    credential: proxyAuthorization(o.proxy) ?? null,
    url: o.target,
    ratePerSecond: o.ratePerSecond,
    clientTimeoutMs: o.timeoutMs ?? 5000,
    maxDurationMs: Infinity,
  });
  const wall = (perf: number): number => Math.round(t0 + (perf - perf0));
  return {
    async stop() {
      const elapsed = Date.now() - t0;
      const samples: LoadSample[] = (await load.stop()).map((s) => ({
        at: wall(s.sentAt),
        doneAt: wall(s.doneAt),
        ok: s.status !== 0 && ok(s.status, s.body),
        status: s.status,
        detail: s.body.split('\n')[0]?.slice(0, 120) ?? '',
      }));
      const failures = samples.filter((s) => !s.ok);
      return {
        sent: samples.length,
        failed: failures.length,
        rate: Math.round((samples.length * 1000) / Math.max(elapsed, 1)),
        failures: failures.slice(0, 5),
        samples,
      };
    },
  };
}
