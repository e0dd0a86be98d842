/**
 * The failover timeline, derived from traffic: for each client (source workload and cluster) and destination
 * service, which clusters currently serve it. When the client's own cluster stops serving and another takes over,
 * that is a failover; when its own cluster serves again, a failback. Pure.
 */
import type { EdgeStats } from './edge-window.js';
import type { RoutingEvent } from '../ui/wire.js';

/** The wire shape (src/mgmt/ui/wire.d.ts). */
export type { RoutingEvent };

/** Clusters serving one client's calls to one service. */
export interface Routing {
  sourceWorkload: string;
  sourceCluster: string;
  destinationService: string;
  /** Sorted cluster names that served at least `minShare` of the successful requests. */
  clusters: string[];
}

function groupId(e: { sourceWorkload: string; sourceCluster: string; destinationService: string }): string {
  return `${e.sourceWorkload}|${e.sourceCluster}|${e.destinationService}`;
}

/** Who serves whom, from edge stats; clusters below `minShare` of a group's successful requests are noise. */
export function routingOf(edges: readonly EdgeStats[], minShare = 0.1): Map<string, Routing> {
  const totals = new Map<string, number>();
  for (const e of edges) totals.set(groupId(e), (totals.get(groupId(e)) ?? 0) + (e.requests - e.errors));
  const out = new Map<string, Routing>();
  for (const e of edges) {
    const id = groupId(e);
    const total = totals.get(id) ?? 0;
    const ok = e.requests - e.errors;
    let r = out.get(id);
    if (r === undefined) {
      r = {
        sourceWorkload: e.sourceWorkload,
        sourceCluster: e.sourceCluster,
        destinationService: e.destinationService,
        clusters: [],
      };
      out.set(id, r);
    }
    if (total > 0 && ok / total >= minShare) r.clusters.push(e.destinationCluster);
  }
  for (const r of out.values()) r.clusters.sort();
  return out;
}

/**
 * Events between two routings. Only whether the client's own cluster serves matters for failover (it stops:
 * failover; it serves again: failback); a change among remote clusters while failed over is a shift. Moves
 * between "local only" and "local plus remote" (a split, e.g. clusters sharing a region, or the scrape that
 * straddles a change) are not events. A group absent from `next` or serving nobody keeps its previous state
 * (traffic that pauses is not a failback), so the caller carries the returned state forward.
 */
export function routingEvents(
  prev: ReadonlyMap<string, Routing>,
  next: ReadonlyMap<string, Routing>,
  atMs: number,
): { events: RoutingEvent[]; state: Map<string, Routing> } {
  const state = new Map(prev);
  const events: RoutingEvent[] = [];
  for (const [id, r] of next) {
    if (r.clusters.length === 0) continue;
    const before = prev.get(id);
    state.set(id, r);
    if (before === undefined) continue;
    const wasLocal = before.clusters.includes(r.sourceCluster);
    const isLocal = r.clusters.includes(r.sourceCluster);
    let kind: RoutingEvent['kind'] | undefined;
    if (wasLocal && !isLocal) kind = 'failover';
    else if (!wasLocal && isLocal) kind = 'failback';
    else if (!wasLocal && !isLocal && before.clusters.join(',') !== r.clusters.join(',')) kind = 'shift';
    if (kind === undefined) continue;
    const who = `${r.sourceWorkload} (${r.sourceCluster}) -> ${r.destinationService}`;
    events.push({
      atMs,
      kind,
      sourceWorkload: r.sourceWorkload,
      sourceCluster: r.sourceCluster,
      destinationService: r.destinationService,
      from: before.clusters,
      to: r.clusters,
      message: `${kind}: ${who} now served by ${r.clusters.join(', ')} (was ${before.clusters.join(', ')})`,
    });
  }
  return { events, state };
}
