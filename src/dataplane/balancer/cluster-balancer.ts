/**
 * Load balancer of one xDS cluster, after Envoy's zone-aware/EDF balancer with locality-weighted balancing:
 *
 * 1. priority level and host class (healthy or degraded) by the per-priority load of priority-math.ts
 *    (Envoy `chooseHostSet`/`choosePriority`; smooth weighted round robin over the integer loads instead of a
 *    random draw, so a window of 100 picks follows the percentages exactly);
 * 2. a level in panic balances over all its hosts, healthy or not, and ignores localities (Envoy
 *    `hostSourceToUse` returns `AllHosts`); otherwise a locality by its availability-scaled weight among those with
 *    hosts of the chosen class, then a host of that class by weighted round robin.
 *
 * A host is healthy when EDS says HEALTHY/UNKNOWN and outlier detection has not ejected it; degraded when EDS says
 * DEGRADED and it is not ejected; unhealthy otherwise. Retries: `exclude` is Envoy's `previous_hosts` predicate
 * (a rejected pick is drawn again up to `selectionAttempts` times, then the last pick stands, as in Envoy's
 * `chooseHost`), and `excludePriorities` is its `previous_priorities` retry priority (retryPriorityLoad).
 */
import type { ClusterModel, EndpointModel, EndpointsModel } from '../xds/model.js';
import type { AttemptOutcome, OutlierState } from './outlier.js';
import { isEjected, newOutlierState, recordOutcome } from './outlier.js';
import type { LevelHealth, PriorityLoad } from './priority-math.js';
import { effectiveLocalityWeight, priorityLoad, retryPriorityLoad } from './priority-math.js';
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
  edsDegraded: boolean;
  ejected: boolean;
  ejections: number;
  tlsMode: string;
}

/** Options of one pick. */
export interface PickOptions {
  /** Keys of hosts the `previous_hosts` retry predicate rejects (hosts this request already tried). */
  exclude?: ReadonlySet<string>;
  /** Envoy's `host_selection_retry_max_attempts`: extra draws when the predicate rejects a pick. Default 5. */
  selectionAttempts?: number;
  /** Priorities the `previous_priorities` retry priority excludes (those of attempted hosts). */
  excludePriorities?: ReadonlySet<number>;
  now?: number;
}

type HostClass = 'healthy' | 'degraded' | 'unhealthy';

/** The balancer of one cluster. Keeps host state (outlier counters) across EDS updates by address. */
export class ClusterBalancer {
  private hosts = new Map<string, Host>();
  private overprovisioning = 1.4;
  private localityWeights = new Map<string, number>();
  private readonly levelPicker = new SmoothWrr();
  private readonly localityPicker = new SmoothWrr();
  private readonly hostPicker = new SmoothWrr();
  /** Called after outlier detection ejected a host (the flight recorder dates the ejection by it). */
  onEjected: ((host: Host) => void) | undefined;

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

  private classOf(h: Host, now: number): HostClass {
    if (isEjected(h.outlier, now)) return 'unhealthy';
    if (h.endpoint.healthy) return 'healthy';
    return h.endpoint.degraded ? 'degraded' : 'unhealthy';
  }

  /** Hosts per priority level (levels 0..max, possibly empty) and the level health Envoy's rules take. */
  private levels(now: number): { hosts: Host[]; health: LevelHealth }[] {
    const all = [...this.hosts.values()];
    const count = all.length === 0 ? 0 : Math.max(...all.map((h) => h.priority)) + 1;
    const levels = Array.from({ length: count }, () => ({
      hosts: [] as Host[],
      health: { healthy: 0, degraded: 0, total: 0 },
    }));
    for (const h of all) {
      const level = levels[h.priority]!;
      level.hosts.push(h);
      level.health.total++;
      const c = this.classOf(h, now);
      if (c === 'healthy') level.health.healthy++;
      else if (c === 'degraded') level.health.degraded = (level.health.degraded ?? 0) + 1;
    }
    return levels;
  }

  /** The per-priority load and panic state at `now` (what `/clusters` and tests inspect). */
  priorityState(now = Date.now()): PriorityLoad {
    return priorityLoad(
      this.levels(now).map((l) => l.health),
      { overprovisioning: this.overprovisioning },
    );
  }

  /**
   * Picks a host, or undefined when there is none to pick (no hosts, or nothing available and the chosen level
   * not in panic). With `exclude`, a pick in it is drawn again up to `selectionAttempts` times; if every draw is
   * rejected the last one is returned (Envoy: "If we didn't find anything, return the last host").
   */
  pick(options: PickOptions = {}): Host | undefined {
    const now = options.now ?? Date.now();
    const levels = this.levels(now);
    if (levels.length === 0) return undefined;
    const state = priorityLoad(
      levels.map((l) => l.health),
      { overprovisioning: this.overprovisioning },
    );
    const load = (options.excludePriorities && retryPriorityLoad(state, options.excludePriorities)) ?? state;
    const exclude = options.exclude;
    const draws = exclude && exclude.size > 0 ? 1 + (options.selectionAttempts ?? 5) : 1;
    let host: Host | undefined;
    for (let i = 0; i < draws; i++) {
      host = this.pickOnce(levels, state.panic, load, now);
      if (!host || !exclude?.has(host.key)) return host;
    }
    return host;
  }

  private pickOnce(
    levels: { hosts: Host[] }[],
    panic: readonly boolean[],
    load: { healthyLoad: readonly number[]; degradedLoad: readonly number[] },
    now: number,
  ): Host | undefined {
    const slots = [
      ...load.healthyLoad.map((w, p) => ({ p, cls: 'healthy' as const, w })),
      ...load.degradedLoad.map((w, p) => ({ p, cls: 'degraded' as const, w })),
    ];
    const slot = this.levelPicker.pick(
      slots,
      (s) => `${s.cls}/${s.p}`,
      (s) => s.w,
    );
    if (!slot) return undefined;
    const level = levels[slot.p];
    if (!level) return undefined;
    if (panic[slot.p]) return this.pickHost(level.hosts);
    const eligible = level.hosts.filter((h) => this.classOf(h, now) === slot.cls);
    if (eligible.length === 0) return undefined;
    const byLocality = new Map<string, Host[]>();
    for (const h of eligible) byLocality.set(h.localityKey, [...(byLocality.get(h.localityKey) ?? []), h]);
    const localities = [...byLocality.keys()];
    const locality =
      localities.length === 1
        ? localities[0]
        : this.localityPicker.pick(
            localities,
            (k) => `${slot.cls}/${k}`,
            (k) =>
              effectiveLocalityWeight(
                this.localityWeights.get(k) ?? 1,
                {
                  available: byLocality.get(k)?.length ?? 0,
                  total: level.hosts.filter((h) => h.localityKey === k).length,
                },
                this.overprovisioning,
              ),
          );
    return this.pickHost(byLocality.get(locality ?? '') ?? eligible);
  }

  private pickHost(hosts: Host[]): Host | undefined {
    return this.hostPicker.pick(
      hosts,
      (h) => h.key,
      (h) => h.endpoint.weight,
    );
  }

  /** Records an attempt's outcome for outlier detection; returns true when the host got ejected. */
  record(host: Host, outcome: AttemptOutcome, now = Date.now()): boolean {
    const all = [...this.hosts.values()];
    const ejected = recordOutcome(
      host.outlier,
      outcome,
      this.cluster.outlier,
      { ejectedCount: all.filter((h) => isEjected(h.outlier, now)).length, hostCount: all.length },
      now,
    );
    if (ejected) this.onEjected?.(host);
    return ejected;
  }

  /** Host health for the admin endpoint. */
  status(now = Date.now()): HostStatus[] {
    return [...this.hosts.values()].map((h) => ({
      address: h.key,
      priority: h.priority,
      locality: h.localityKey.split('|')[1] ?? '',
      edsHealthy: h.endpoint.healthy,
      edsDegraded: h.endpoint.degraded === true,
      ejected: isEjected(h.outlier, now),
      ejections: h.outlier.ejections,
      tlsMode: h.endpoint.tlsMode,
    }));
  }
}
