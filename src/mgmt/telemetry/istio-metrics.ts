/**
 * Istio's standard request metrics, reduced to per-edge counters. An edge is
 * (source_workload, source_cluster) -> (destination_service, destination_cluster); every other label (version,
 * security policy, ...) is summed away. Pure.
 */
import type { Sample } from './prom-text.js';
import type { EdgeKey } from '../ui/wire.js';

/** The wire shape (src/mgmt/ui/wire.d.ts). */
export type { EdgeKey };

/** Which proxy's report to count: Istio reports every request twice (client and server side). */
export type Reporter = 'source' | 'destination' | 'any';

/** Cumulative counters of one edge as one proxy exposes them. */
export interface EdgeCounters {
  key: EdgeKey;
  /** response_code -> requests. */
  requests: Map<string, number>;
  /** Histogram `le` bound (Infinity for +Inf) -> cumulative count. */
  buckets: Map<number, number>;
  durationSumMs: number;
  durationCount: number;
}

export const REQUESTS_TOTAL = 'istio_requests_total';
export const DURATION = 'istio_request_duration_milliseconds';

/** A stable string id for an edge key (used as a map key and by the UI as the edge id). */
export function edgeId(key: EdgeKey): string {
  return [key.sourceWorkload, key.sourceCluster, key.destinationService, key.destinationCluster].join('|');
}

function keyOf(labels: Readonly<Record<string, string>>): EdgeKey {
  return {
    sourceWorkload: labels.source_workload || 'unknown',
    sourceCluster: labels.source_cluster || 'unknown',
    destinationService: labels.destination_service || labels.destination_service_name || 'unknown',
    destinationCluster: labels.destination_cluster || 'unknown',
  };
}

// Samples without a reporter label (a proxy that reports once) always count.
function reporterMatches(labels: Readonly<Record<string, string>>, reporter: Reporter): boolean {
  return reporter === 'any' || labels.reporter === undefined || labels.reporter === reporter;
}

/** Folds one proxy's samples into counters per edge. */
export function edgeCounters(samples: readonly Sample[], reporter: Reporter = 'source'): Map<string, EdgeCounters> {
  const edges = new Map<string, EdgeCounters>();
  const edge = (labels: Readonly<Record<string, string>>): EdgeCounters => {
    const key = keyOf(labels);
    const id = edgeId(key);
    let e = edges.get(id);
    if (e === undefined) {
      e = { key, requests: new Map(), buckets: new Map(), durationSumMs: 0, durationCount: 0 };
      edges.set(id, e);
    }
    return e;
  };
  for (const s of samples) {
    if (!Number.isFinite(s.value) || !reporterMatches(s.labels, reporter)) continue;
    switch (s.name) {
      case REQUESTS_TOTAL: {
        const e = edge(s.labels);
        const code = s.labels.response_code ?? '0';
        e.requests.set(code, (e.requests.get(code) ?? 0) + s.value);
        break;
      }
      case `${DURATION}_bucket`: {
        const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
        if (Number.isNaN(le)) break;
        const e = edge(s.labels);
        e.buckets.set(le, (e.buckets.get(le) ?? 0) + s.value);
        break;
      }
      case `${DURATION}_sum`:
        edge(s.labels).durationSumMs += s.value;
        break;
      case `${DURATION}_count`:
        edge(s.labels).durationCount += s.value;
        break;
    }
  }
  return edges;
}

/** Whether a response code counts as an error (Istio's dashboards: 5xx, and 0 = no response at all). */
export function isErrorCode(code: string): boolean {
  return code === '0' || /^5\d\d$/.test(code);
}
