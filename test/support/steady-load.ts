/**
 * A steady open-loop stream of GETs through a pod's sidecar (its explicit HTTP proxy, credential from the pod's
 * `http_proxy`): requests leave at a fixed rate whatever happens to earlier ones (catching up when timers fire
 * late on a busy machine), so a process kill under load shows up as failed requests instead of a slower loop.
 */
import http from 'node:http';
import { proxyAuthorization } from '../../src/dataplane/sidecar/proxy-auth.js';
import { viaProxy } from './proxies.js';

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

/** Starts the stream; `stop()` stops sending and resolves once every request sent has an outcome. */
export function startSteadyLoad(o: SteadyLoadOptions): { stop(): Promise<LoadReport> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const credential = proxyAuthorization(o.proxy) ?? null;
  const ok = o.ok ?? ((status: number) => status === 200);
  const samples: LoadSample[] = [];
  const inflight = new Set<Promise<void>>();
  const t0 = Date.now();
  let sent = 0;
  const sendOne = (): void => {
    const at = Date.now();
    const p = viaProxy({ host: o.proxy.hostname, port: Number(o.proxy.port) }, o.target, {
      agent,
      credential,
      timeoutMs: o.timeoutMs ?? 5000,
    }).then(
      (r) =>
        void samples.push({
          at,
          doneAt: Date.now(),
          ok: ok(r.status, r.body),
          status: r.status,
          detail: r.body.split('\n')[0]?.slice(0, 120) ?? '',
        }),
      (err: Error) => void samples.push({ at, doneAt: Date.now(), ok: false, status: 0, detail: err.message }),
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - t0) * o.ratePerSecond) / 1000);
    while (sent < due) {
      sent++;
      sendOne();
    }
  }, 5);
  return {
    async stop() {
      clearInterval(timer);
      const elapsed = Date.now() - t0;
      while (inflight.size > 0) await Promise.all([...inflight]);
      agent.destroy();
      const sorted = samples.sort((a, b) => a.at - b.at);
      const failures = sorted.filter((s) => !s.ok);
      return {
        sent: sorted.length,
        failed: failures.length,
        rate: Math.round((sorted.length * 1000) / Math.max(elapsed, 1)),
        failures: failures.slice(0, 5),
        samples: sorted,
      };
    },
  };
}
