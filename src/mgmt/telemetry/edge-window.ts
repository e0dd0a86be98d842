/**
 * Per-edge rate, error share and latency over a time window, from cumulative counters scraped repeatedly from
 * several proxies. Pure: the collector feeds snapshots in; this computes what changed between the oldest and
 * newest snapshot of each proxy inside the window, like PromQL's `increase()` (a counter that went down means the
 * proxy restarted, so the new value is the whole increase).
 */
import type { EdgeStats } from '../ui/wire.js';
import type { EdgeCounters, EdgeKey } from './istio-metrics.js';
import { edgeId, isErrorCode } from './istio-metrics.js';

/** One scrape of one proxy. */
export interface Snapshot {
  target: string;
  atMs: number;
  edges: ReadonlyMap<string, EdgeCounters>;
}

export type { EdgeStats } from '../ui/wire.js';

function increase(now: number, then: number | undefined): number {
  if (then === undefined) return now;
  return now >= then ? now - then : now;
}

interface Acc {
  key: EdgeKey;
  rps: number;
  requests: number;
  errors: number;
  buckets: Map<number, number>;
}

/**
 * Estimates quantile `q` from cumulative bucket counts the way PromQL's `histogram_quantile` does: linear
 * interpolation inside the bucket holding the rank; the +Inf bucket answers its lower bound.
 */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number | undefined {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (bound === Infinity) return prevBound;
      if (count === prevCount) return bound;
      return prevBound + ((bound - prevBound) * (rank - prevCount)) / (count - prevCount);
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

/**
 * Computes edge stats from snapshots (any order, any targets). Only snapshots with `atMs >= nowMs - windowMs`
 * are used, and a target needs two of them to contribute (one scrape says nothing about a rate).
 */
export function windowStats(snapshots: readonly Snapshot[], nowMs: number, windowMs: number): EdgeStats[] {
  const byTarget = new Map<string, Snapshot[]>();
  for (const s of snapshots) {
    if (s.atMs < nowMs - windowMs || s.atMs > nowMs) continue;
    const list = byTarget.get(s.target) ?? [];
    list.push(s);
    byTarget.set(s.target, list);
  }
  const acc = new Map<string, Acc>();
  for (const list of byTarget.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.atMs - b.atMs);
    const first = list[0]!;
    const last = list.at(-1)!;
    const seconds = (last.atMs - first.atMs) / 1000;
    if (seconds <= 0) continue;
    for (const [id, now] of last.edges) {
      const then = first.edges.get(id);
      let a = acc.get(id);
      if (a === undefined) {
        a = { key: now.key, rps: 0, requests: 0, errors: 0, buckets: new Map() };
        acc.set(id, a);
      }
      let requests = 0;
      for (const [code, n] of now.requests) {
        const d = increase(n, then?.requests.get(code));
        requests += d;
        if (isErrorCode(code)) a.errors += d;
      }
      a.requests += requests;
      a.rps += requests / seconds;
      for (const [le, n] of now.buckets)
        a.buckets.set(le, (a.buckets.get(le) ?? 0) + increase(n, then?.buckets.get(le)));
    }
  }
  const out: EdgeStats[] = [];
  for (const a of acc.values()) {
    if (a.requests <= 0) continue;
    const stats: EdgeStats = {
      ...a.key,
      id: edgeId(a.key),
      rps: a.rps,
      requests: a.requests,
      errors: a.errors,
      errorShare: a.errors / a.requests,
      crossCluster: a.key.sourceCluster !== a.key.destinationCluster,
    };
    const p50 = histogramQuantile(0.5, a.buckets);
    if (p50 !== undefined) {
      stats.p50Ms = p50;
      stats.p90Ms = histogramQuantile(0.9, a.buckets);
      stats.p99Ms = histogramQuantile(0.99, a.buckets);
    }
    out.push(stats);
  }
  return out.sort((x, y) => x.id.localeCompare(y.id));
}
