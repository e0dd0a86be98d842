/**
 * A steady stream of page requests through a pod's sidecar (its explicit HTTP proxy), recording which requests
 * failed and which cluster served `details`: what the demo reports while failover happens.
 */
import http from 'node:http';
import { proxyAuthorization } from '../dataplane/sidecar/proxy-auth.js';
import { servedByCluster, showsBookDetails } from './checks.js';

/** One request's outcome. */
export interface Sample {
  readonly at: number;
  readonly ok: boolean;
  readonly detailsCluster: string | undefined;
  readonly error?: string;
}

/** Options for a request stream. */
export interface LoadOptions {
  /** The sidecar proxy that carries the requests: the pod's `http_proxy`, credential included. */
  readonly proxy: URL;
  /** Absolute target URL as an application would use it, e.g. `http://productpage.bookinfo:9080/productpage`. */
  readonly target: string;
  /** Requests per second. */
  readonly rate: number;
  readonly timeoutMs?: number;
}

/** Fetches the page once through the proxy: ok means HTTP 200 with the complete Book Details block. */
export function fetchPage(options: Omit<LoadOptions, 'rate'>): Promise<Sample> {
  const started = Date.now();
  const auth = proxyAuthorization(options.proxy);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: options.proxy.hostname,
        port: Number(options.proxy.port),
        method: 'GET',
        path: options.target,
        headers: {
          host: new URL(options.target).host,
          ...(auth ? { 'proxy-authorization': auth } : {}),
        },
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          const header = res.headers['x-meshbridge-details-served-by'];
          const detailsError = res.headers['x-meshbridge-details-error'];
          resolve({
            at: started,
            ok: res.statusCode === 200 && showsBookDetails(body),
            detailsCluster: servedByCluster(Array.isArray(header) ? header[0] : header),
            // A proxy's own reply names its reason in the body's first line (e.g. "upstream connect error").
            ...(res.statusCode === 200
              ? typeof detailsError === 'string'
                ? { error: `details: ${detailsError}` }
                : {}
              : { error: `HTTP ${res.statusCode} ${body.split('\n')[0]!.slice(0, 80)}`.trim() }),
          });
        });
        res.on('error', (err) => resolve({ at: started, ok: false, detailsCluster: undefined, error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ at: started, ok: false, detailsCluster: undefined, error: err.message }));
    req.end();
  });
}

/** A running request stream; `stop()` resolves with every sample once in-flight requests finish. */
export interface LoadRun {
  stop(): Promise<Sample[]>;
}

/** Starts sending `rate` requests per second until stopped. */
export function startLoad(options: LoadOptions): LoadRun {
  const samples: Sample[] = [];
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const p = fetchPage(options).then((s) => {
      samples.push(s);
      inflight.delete(p);
    });
    inflight.add(p);
  }, 1000 / options.rate);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inflight]);
      return samples.sort((a, b) => a.at - b.at);
    },
  };
}

/** Summary of a stream around one event (e.g. scaling local details to 0 at `eventAt`). */
export interface FailoverSummary {
  readonly sent: number;
  readonly failed: number;
  /** ms from the event to the first request whose details came from `remoteCluster`, if any. */
  readonly timeToRemoteMs: number | undefined;
  readonly servedBy: Record<string, number>;
}

/** Summarises samples (pure). */
export function summarise(samples: readonly Sample[], eventAt: number, remoteCluster: string): FailoverSummary {
  const servedBy: Record<string, number> = {};
  for (const s of samples) {
    const key = s.detailsCluster ?? (s.ok ? 'unknown' : 'failed');
    servedBy[key] = (servedBy[key] ?? 0) + 1;
  }
  const firstRemote = samples.find((s) => s.at >= eventAt && s.ok && s.detailsCluster === remoteCluster);
  return {
    sent: samples.length,
    failed: samples.filter((s) => !s.ok).length,
    timeToRemoteMs: firstRemote ? firstRemote.at - eventAt : undefined,
    servedBy,
  };
}
