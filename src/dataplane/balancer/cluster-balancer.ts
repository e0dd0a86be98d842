/**
 * Load balancer of one xDS cluster: priority level by Envoy's rules (priority-math.ts), then locality by
 * availability-scaled weight, then host by weighted round robin. Unhealthy (EDS health) and ejected (outlier
 * detection) hosts count as unhealthy; a level in panic balances over all its hosts.
 */
import type { ClusterModel, EndpointModel, EndpointsModel } from '../xds/model.js';
import type { AttemptOutcome, OutlierState } from './outlier.js';
import { isEjected, newOutlierState, recordOutcome } from './outlier.js';
import { effectiveLocalityWeight, priorityLoad } from './priority-math.js';
import { SmoothWrr } from './wrr.js';

/** A host as the balancer tracks it. */
export interface Host {
  readonly key: string;
  endpoint: EndpointModel;
  priority: number;
  localityKey: string;
  outlier: OutlierState;
}

/** Health of a host as `/clusters` shows it. */
export interface HostStatus {
  address: string;
  priority: number;
  locality: string;
  edsHealthy: boolean;
  ejected: boolean;
  ejections: number;
  tlsMode: string;
}

/** The balancer of one cluster. Keeps host state (outlier counters) across EDS updates by address. */
export class ClusterBalancer {
  private hosts = new Map<string, Host>();
  private overprovisioning = 1.4;
  private localityWeights = new Map<string, number>();
  private readonly levelPicker = new SmoothWrr();
  private readonly localityPicker = new SmoothWrr();
  private readonly hostPicker = new SmoothWrr();

  constructor(public cluster: ClusterModel) {}

  /** Replaces the endpoint set. */
  setEndpoints(assignment: EndpointsModel): void {
    const next = new Map<string, Host>();
    this.localityWeights.clear();
    for (const loc of assignment.localities) {
      const localityKey = `${loc.priority}|${loc.locality.region}/${loc.locality.zone}/${loc.locality.subZone}`;
      this.localityWeights.set(localityKey, loc.weight);
      for (const endpoint of loc.endpoints) {
        const key = `${endpoint.host}:${endpoint.port}`;
        const prev = this.hosts.get(key);
        next.set(key, {
          key,
          endpoint,
          priority: loc.priority,
          localityKey,
          outlier: prev?.outlier ?? newOutlierState(),
        });
      }
    }
    this.hosts = next;
    this.overprovisioning = assignment.overprovisioning;
  }

  private usable(h: Host, now: number): boolean {
    return h.endpoint.healthy && !isEjected(h.outlier, now);
  }

  /**
   * Picks a host, avoiding `exclude` (hosts already tried by this request) when any other candidate exists.
   * Returns undefined when the cluster has no hosts at all or no host outside `exclude` that may take traffic.
   */
  pick(exclude: ReadonlySet<string> = new Set(), now = Date.now()): Host | undefined {
    const all = [...this.hosts.values()];
    if (all.length === 0) return undefined;
    const levelCount = Math.max(...all.map((h) => h.priority)) + 1;
    const levels = Array.from({ length: levelCount }, (_, p) => {
      const hs = all.filter((h) => h.priority === p);
      return { hosts: hs, healthy: hs.filter((h) => this.usable(h, now)).length, total: hs.length };
    });
    const { load, panic } = priorityLoad(levels, { overprovisioning: this.overprovisioning });
    const levelIdx = levels.map((_, i) => i);
    const chosen = this.levelPicker.pick(levelIdx, String, (i) => load[i] ?? 0) ?? 0;
    // Try the chosen level first, then the others in priority order (a retry may have excluded everything).
    for (const p of [chosen, ...levelIdx.filter((i) => i !== chosen)]) {
      const level = levels[p];
      if (!level || level.total === 0) continue;
      const candidates = level.hosts.filter((h) => (panic[p] || this.usable(h, now)) && !exclude.has(h.key));
      if (candidates.length === 0) continue;
      return this.pickInLevel(candidates, now);
    }
    return undefined;
  }

  private pickInLevel(candidates: Host[], now: number): Host | undefined {
    const byLocality = new Map<string, Host[]>();
    for (const h of candidates) byLocality.set(h.localityKey, [...(byLocality.get(h.localityKey) ?? []), h]);
    const localities = [...byLocality.keys()];
    const all = [...this.hosts.values()];
    const locality =
      localities.length === 1
        ? localities[0]
        : this.localityPicker.pick(
            localities,
            (k) => k,
            (k) => {
              const inLoc = all.filter((h) => h.localityKey === k);
              const healthy = inLoc.filter((h) => this.usable(h, now)).length;
              // A locality with nothing usable still gets a small weight here: we only reach it in panic.
              return Math.max(
                1e-6,
                effectiveLocalityWeight(
                  this.localityWeights.get(k) ?? 1,
                  { healthy, total: inLoc.length },
                  this.overprovisioning,
                ),
              );
            },
          );
    const hosts = byLocality.get(locality ?? '') ?? candidates;
    return this.hostPicker.pick(
      hosts,
      (h) => h.key,
      (h) => h.endpoint.weight,
    );
  }

  /** Records an attempt's outcome for outlier detection; returns true when the host got ejected. */
  record(host: Host, outcome: AttemptOutcome, now = Date.now()): boolean {
    const all = [...this.hosts.values()];
    return recordOutcome(
      host.outlier,
      outcome,
      this.cluster.outlier,
      { ejectedCount: all.filter((h) => isEjected(h.outlier, now)).length, hostCount: all.length },
      now,
    );
  }

  /** Host health for the admin endpoint. */
  status(now = Date.now()): HostStatus[] {
    return [...this.hosts.values()].map((h) => ({
      address: h.key,
      priority: h.priority,
      locality: h.localityKey.split('|')[1] ?? '',
      edsHealthy: h.endpoint.healthy,
      ejected: isEjected(h.outlier, now),
      ejections: h.outlier.ejections,
      tlsMode: h.endpoint.tlsMode,
    }));
  }
}
