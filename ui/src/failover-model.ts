/**
 * Pure: what the Failover pane shows. The services and clusters to pick from (the inventory), the priority table
 * rows (the federation's explain report as text), which warning is the same-region one, this service's
 * failover/failback events from the topology with their measured times, and the failover episodes the sidecars
 * recorded.
 */
import type { ClusterInventory, FailoverReport, RecordedEpisode, RoutingEvent } from './wire.js';

/** A service to pick: `name.namespace`. */
export interface ServiceChoice {
  name: string;
  namespace: string;
  label: string;
}

/** Every service any cluster reports, once, sorted by label. */
export function serviceChoices(inventory: readonly ClusterInventory[]): ServiceChoice[] {
  const seen = new Map<string, ServiceChoice>();
  for (const c of inventory) {
    for (const s of c.services) {
      const label = `${s.name}.${s.namespace}`;
      if (!seen.has(label)) seen.set(label, { name: s.name, namespace: s.namespace, label });
    }
  }
  return [...seen.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** Cluster names to pick a client from, sorted. */
export function clusterChoices(inventory: readonly ClusterInventory[]): string[] {
  return [...new Set(inventory.map((c) => c.name))].sort();
}

/** One row of the priority table, as text. */
export interface PriorityRow {
  priority: string;
  cluster: string;
  endpoint: string;
  address: string;
  locality: string;
  /** `ready`, `not ready`, `outlier-checked`, or a probed entry's verdict (`probe ok`, `gateway down`, ...). */
  health: string;
  /** Why a probe failed, for the row's title. */
  probeMessage?: string;
  why: string;
  /** True when the row is a remote cluster's entry (a failover target), not a local pod. */
  remote: boolean;
}

/** The report's endpoints in priority order (the server already sorts them; kept stable here). */
export function priorityRows(report: FailoverReport): PriorityRow[] {
  return [...report.endpoints]
    .sort((a, b) => a.priority - b.priority)
    .map((e) => ({
      priority: `P${e.priority}`,
      cluster: e.cluster,
      endpoint: `${e.kind === 'pod' ? 'pod' : e.kind === 'WorkloadEntry' ? 'we' : 'se'}/${e.name}`,
      address: e.address,
      locality: e.locality || '(none)',
      health: e.health ?? (e.ready === undefined ? 'outlier-checked' : e.ready ? 'ready' : 'not ready'),
      ...(e.probe && !e.probe.healthy ? { probeMessage: e.probe.message } : {}),
      why: `${e.reason || e.why} (raw P${e.rawPriority})`,
      remote: e.kind !== 'pod',
    }));
}

/** Splits the report's warnings: the same-region one (entries sharing the client's region) and the rest. */
export function splitWarnings(report: FailoverReport): { sameRegion: string[]; other: string[] } {
  const isSameRegion = (w: string): boolean => /share priority levels with/.test(w);
  return {
    sameRegion: report.warnings.filter(isSameRegion),
    other: report.warnings.filter((w) => !isSameRegion(w)),
  };
}

/** A failover or failback of the picked service, with what was measured. */
export interface TimelineEntry {
  atMs: number;
  kind: RoutingEvent['kind'];
  client: string;
  from: string[];
  to: string[];
  /** For a failback: how long the client was served remotely (since its last failover), in ms. */
  remoteForMs?: number;
  /** For a failover: how long since the previous failback of the same client, in ms (time between outages). */
  sinceFailbackMs?: number;
}

/** The FQDN the topology names a service by. */
export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

/**
 * The events of one service (clients in `client` only, when given), newest first, each failback with the time
 * since the same client's failover before it.
 */
export function serviceTimeline(
  events: readonly RoutingEvent[],
  service: ServiceChoice,
  client?: string,
): TimelineEntry[] {
  const fqdn = serviceFqdn(service.name, service.namespace);
  const mine = events
    .filter((e) => e.destinationService === fqdn && (client === undefined || e.sourceCluster === client))
    .sort((a, b) => a.atMs - b.atMs);
  const out = mine.map((ev, i): TimelineEntry => {
    const entry: TimelineEntry = {
      atMs: ev.atMs,
      kind: ev.kind,
      client: `${ev.sourceWorkload} (${ev.sourceCluster})`,
      from: ev.from,
      to: ev.to,
    };
    const prior = (kind: RoutingEvent['kind']): RoutingEvent | undefined =>
      mine
        .slice(0, i)
        .reverse()
        .find((p) => p.kind === kind && p.sourceWorkload === ev.sourceWorkload && p.sourceCluster === ev.sourceCluster);
    if (ev.kind === 'failback') {
      const f = prior('failover');
      if (f) entry.remoteForMs = ev.atMs - f.atMs;
    } else if (ev.kind === 'failover') {
      const b = prior('failback');
      if (b) entry.sinceFailbackMs = ev.atMs - b.atMs;
    }
    return entry;
  });
  return out.reverse();
}

/** One recorded failover episode as the pane lists it. */
export interface EpisodeLine {
  atMs: number;
  open: boolean;
  text: string;
}

/** A short duration: `41 ms` under a second, else seconds with one decimal. */
export function shortDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms);
}

/**
 * The failover episodes the sidecars recorded (GET /v2/failover/events), newest first, each as one sentence with
 * its figures: who failed over where and why, how long it took, what it cost, and how the failback went.
 */
export function episodeLines(episodes: readonly RecordedEpisode[]): EpisodeLine[] {
  return [...episodes]
    .sort((a, b) => b.startedAtMs - a.startedAtMs)
    .map((e) => {
      const head =
        `${e.source.workload} in ${e.source.cluster} failed over ${e.from} -> ${e.to} after ${e.trigger.kind}` +
        ` in ${shortDuration(e.timeToFailoverMs)}, ${e.requestsFailed} request${e.requestsFailed === 1 ? '' : 's'} failed`;
      const tail = e.open
        ? '; still served remotely'
        : `; failed back ${shortDuration(e.timeToFailbackMs ?? 0)} after recovery (${seconds(e.durationMs ?? 0)} in all)`;
      return { atMs: e.startedAtMs, open: e.open, text: head + tail };
    });
}

/** Seconds with one decimal, e.g. `12.3 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
