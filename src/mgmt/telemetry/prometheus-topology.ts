/**
 * The topology from a Prometheus server (production: Istio's Envoy sidecars are scraped by Prometheus), through
 * its HTTP API (`GET /api/v1/query`). Same output as the scraping collector, so the UI does not care which.
 */
import type { EdgeStats } from './edge-window.js';
import { edgeId, isErrorCode } from './istio-metrics.js';
import type { Routing, RoutingEvent } from './routing-events.js';
import { routingEvents, routingOf } from './routing-events.js';
import type { Topology, TopologySource } from './topology.js';

/** Options of `PrometheusTopology`. */
export interface PrometheusOptions {
  /** Base URL of the server, e.g. `http://prometheus.istio-system:9090`. */
  url: string;
  /** Range of `increase()`/`rate()`; must span at least two of the server's scrapes (default 60 s). */
  windowS?: number;
  /** Which report to count (Istio: `source`, the client's sidecar). */
  reporter?: 'source' | 'destination';
  timeoutMs?: number;
  maxEvents?: number;
  now?: () => number;
}

/** A query failed (the server is down, or answered an error). */
export class PrometheusQueryError extends Error {
  readonly code = 'MB9201';
}

const EDGE_LABELS = 'source_workload, source_cluster, destination_service, destination_cluster';

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The PromQL this source runs (exported so operators can paste it into their own dashboards). */
export function queries(windowS: number, reporter: string): { requests: string; quantile: (q: number) => string } {
  const sel = `{reporter="${reporter}"}[${windowS}s]`;
  return {
    requests: `sum by (${EDGE_LABELS}, response_code) (increase(istio_requests_total${sel}))`,
    quantile: (q) =>
      `histogram_quantile(${q}, sum by (le, ${EDGE_LABELS}) (rate(istio_request_duration_milliseconds_bucket${sel})))`,
  };
}

function keyOf(m: Record<string, string>): EdgeStats {
  const key = {
    sourceWorkload: m.source_workload || 'unknown',
    sourceCluster: m.source_cluster || 'unknown',
    destinationService: m.destination_service || 'unknown',
    destinationCluster: m.destination_cluster || 'unknown',
  };
  return {
    ...key,
    id: edgeId(key),
    rps: 0,
    requests: 0,
    errors: 0,
    errorShare: 0,
    crossCluster: key.sourceCluster !== key.destinationCluster,
  };
}

/** Polls a Prometheus server for per-edge stats; keeps the failover timeline between calls. */
export class PrometheusTopology implements TopologySource {
  private readonly o: Readonly<Required<PrometheusOptions>>;
  private routing = new Map<string, Routing>();
  private timeline: RoutingEvent[] = [];

  constructor(options: PrometheusOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new PrometheusQueryError(`not a URL: ${JSON.stringify(options.url)}`);
    }
    const windowS = options.windowS ?? 60;
    if (!Number.isInteger(windowS) || windowS < 2) throw new PrometheusQueryError('windowS must be an integer >= 2');
    this.o = Object.freeze({
      url: base.href.replace(/\/$/, ''),
      windowS,
      reporter: options.reporter ?? 'source',
      timeoutMs: options.timeoutMs ?? 5000,
      maxEvents: options.maxEvents ?? 200,
      now: options.now ?? Date.now,
    });
  }

  /** Runs one instant query and returns its vector. */
  async query(promql: string): Promise<VectorSample[]> {
    const url = `${this.o.url}/api/v1/query?query=${encodeURIComponent(promql)}`;
    let body: { status?: string; error?: string; data?: { resultType?: string; result?: VectorSample[] } };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.o.timeoutMs) });
      body = (await res.json()) as typeof body;
    } catch (err) {
      throw new PrometheusQueryError(`${this.o.url}: ${(err as Error).message}`);
    }
    if (body.status !== 'success' || body.data?.resultType !== 'vector') {
      throw new PrometheusQueryError(`${this.o.url}: ${body.error ?? 'unexpected answer'} for ${promql}`);
    }
    return body.data.result ?? [];
  }

  /** Edge stats over the window. */
  async edges(): Promise<EdgeStats[]> {
    const q = queries(this.o.windowS, this.o.reporter);
    const [requests, p50, p90, p99] = await Promise.all([
      this.query(q.requests),
      this.query(q.quantile(0.5)),
      this.query(q.quantile(0.9)),
      this.query(q.quantile(0.99)),
    ]);
    const edges = new Map<string, EdgeStats>();
    for (const s of requests) {
      const n = Number(s.value[1]);
      if (!Number.isFinite(n) || n <= 0) continue;
      const fresh = keyOf(s.metric);
      const e = edges.get(fresh.id) ?? fresh;
      edges.set(e.id, e);
      e.requests += n;
      if (isErrorCode(s.metric.response_code ?? '0')) e.errors += n;
    }
    for (const e of edges.values()) {
      e.rps = e.requests / this.o.windowS;
      e.errorShare = e.errors / e.requests;
    }
    const put = (list: VectorSample[], field: 'p50Ms' | 'p90Ms' | 'p99Ms'): void => {
      for (const s of list) {
        const v = Number(s.value[1]);
        const e = edges.get(keyOf(s.metric).id);
        if (e !== undefined && Number.isFinite(v)) e[field] = v;
      }
    };
    put(p50, 'p50Ms');
    put(p90, 'p90Ms');
    put(p99, 'p99Ms');
    return [...edges.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async topology(): Promise<Topology> {
    const atMs = this.o.now();
    let edges: EdgeStats[] = [];
    let target = { url: this.o.url, ok: true, lastScrapeMs: atMs } as Topology['targets'][number];
    try {
      edges = await this.edges();
      const { events, state } = routingEvents(this.routing, routingOf(edges), atMs);
      this.routing = state;
      this.timeline = [...this.timeline, ...events].slice(-this.o.maxEvents);
    } catch (err) {
      target = { ...target, ok: false, error: (err as Error).message };
    }
    return {
      source: 'prometheus',
      atMs,
      windowMs: this.o.windowS * 1000,
      edges,
      events: [...this.timeline],
      targets: [target],
    };
  }
}
