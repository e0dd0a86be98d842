/**
 * Open-loop load through a sidecar's explicit proxy: requests leave at a fixed rate whatever happens to earlier
 * ones (a closed loop would slow down exactly when backends hang, hiding the failures a failover bench looks
 * for). Every request is recorded with its send and completion times and the app that answered.
 */
import http from 'node:http';
import { viaProxy } from '../../test/support/proxies.js';

/** One request's outcome; times are `performance.now()` milliseconds. */
export interface LoadSample {
  sentAt: number;
  doneAt: number;
  /** HTTP status, or 0 when the request errored or timed out at the client. */
  status: number;
  /** Response body (the test apps answer their name), or the client error message. */
  body: string;
}

/** Options of `startOpenLoad`. */
export interface OpenLoadOptions {
  proxyHost: string;
  /** The sidecar's outbound port (default: viaProxy's). */
  proxyPort?: number;
  /** `Proxy-Authorization` to send (default: viaProxy's; null sends none). */
  credential?: string | null;
  url: string;
  ratePerSecond: number;
  /** Client-side bound per request: a request unanswered by then is recorded as failed (status 0). */
  clientTimeoutMs: number;
  /** Hard stop: no request is sent after this long even if `stop()` is never called. */
  maxDurationMs: number;
}

/** A running load; `stop()` stops sending and resolves once every request sent has an outcome. */
export interface OpenLoad {
  stop(): Promise<LoadSample[]>;
}

/** Starts sending `ratePerSecond` GETs (no per-host socket cap, so queueing in the client never hides a hang). */
export function startOpenLoad(o: OpenLoadOptions): OpenLoad {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const samples: LoadSample[] = [];
  const inflight = new Set<Promise<void>>();
  const t0 = performance.now();
  let sent = 0;
  let running = true;
  const sendOne = (): void => {
    const sentAt = performance.now();
    const proxy = o.proxyPort === undefined ? { host: o.proxyHost } : { host: o.proxyHost, port: o.proxyPort };
    const options = {
      agent,
      timeoutMs: o.clientTimeoutMs,
      ...(o.credential !== undefined ? { credential: o.credential } : {}),
    };
    const p = viaProxy(proxy, o.url, options).then(
      (r) => void samples.push({ sentAt, doneAt: performance.now(), status: r.status, body: r.body }),
      (err: Error) => void samples.push({ sentAt, doneAt: performance.now(), status: 0, body: err.message }),
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  const timer = setInterval(() => {
    const elapsed = performance.now() - t0;
    if (!running || elapsed > o.maxDurationMs) return;
    // Catch up on every request due by now (timers fire late on a busy machine; the rate must not drop).
    const due = Math.floor((elapsed * o.ratePerSecond) / 1000);
    while (sent < due) {
      sent++;
      sendOne();
    }
  }, 2);
  return {
    async stop() {
      running = false;
      clearInterval(timer);
      // Bounded: each request ends by its client timeout at the latest.
      while (inflight.size > 0) await Promise.all([...inflight]);
      agent.destroy();
      return samples.sort((a, b) => a.sentAt - b.sentAt);
    },
  };
}
