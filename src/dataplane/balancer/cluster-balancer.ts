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
 * DEGRADED and it is not ejected; unhealthy otherwise.
 *
 * Failback hysteresis (meshbridge's, only with a cluster's `failback` policy; see failback.ts): a host that has
 * just become available again (EDS healthy after not, new after the first assignment, or back from an ejection)
 * is held out of its level for `delayMs`, then counts as a growing fraction of a host in its level's health for
 * `rampMs`, so the level's share of the load grows instead of jumping back to 100 %.
 *
 * Retries: `exclude` is Envoy's `previous_hosts` predicate (a rejected pick is drawn again up to
 * `selectionAttempts` times, then the last pick stands, as in Envoy's `chooseHost`), and `excludePriorities` is its
 * `previous_priorities` retry priority (retryPriorityLoad).
 */
import type { ClusterModel, EndpointModel, EndpointsModel } from '../xds/model.js';
import type { AttemptOutcome, OutlierState } from './outlier.js';
import { isEjected, newOutlierState, recordOutcome } from './outlier.js';
import type { LevelHealth, PriorityLoad } from './priority-math.js';
import { effectiveLocalityWeight, priorityLoad, retryPriorityLoad } from './priority-math.js';
import { SmoothWrr } from './wrr.js';
import { hysteresisOf, type Hysteresis } from './failback.js';

/** A host as the balancer tracks it. */
export interface Host {
  readonly key: string;
  endpoint: EndpointModel;
  priority: number;
  localityKey: string;
  outlier: OutlierState;
  /** Tries whose outcome was recorded on this host, and how many failed (Envoy's per-host rq_total, rq_error). */
  attempts: { total: number; failed: number };
  /**
   * When EDS last made the host available (healthy after not healthy, or new); -Infinity for hosts of the first
   * assignment, which are settled. Failback hysteresis counts from the later of this and the end of its last
   * ejection.
   */
  availableSince: number;
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
  /** Held back by the failback delay (available, but takes no load while anything else can). */
  held: boolean;
  /** During the failback ramp, the share of a host it counts as in its level's health (percent); else 100. */
  rampPercent: number;
  /** Tries that ended on this host (answered, failed or timed out), like Envoy's per-host `rq_total`. */
  attempts: number;
  /** Of those, the ones that failed (5xx, gateway error, connection or timeout), like `rq_error`. */
  failedAttempts: number;
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

type HostClass = 'healthy' | 'degraded' | 'unhealthy' | 'held';

/** The balancer of one cluster. Keeps host state (outlier counters) across EDS updates by address. */
export class ClusterBalancer {
  private hosts = new Map<string, Host>();
  /** Whether an assignment was applied before: hosts of the first one are settled (no failback hysteresis). */
  private assigned = false;
  private overprovisioning = 1.4;
  private localityWeights = new Map<string, number>();
  private readonly levelPicker = new SmoothWrr();
  private readonly localityPicker = new SmoothWrr();
  private readonly hostPicker = new SmoothWrr();
  /** Called after outlier detection ejected a host (the flight recorder dates the ejection by it). */
  onEjected: ((host: Host) => void) | undefined;

  constructor(public cluster: ClusterModel) {}

  /** Replaces the endpoint set. */
  setEndpoints(assignment: EndpointsModel, now = Date.now()): void {
    const next = new Map<string, Host>();
    this.localityWeights.clear();
    for (const loc of assignment.localities) {
      const localityKey = `${loc.priority}|${loc.locality.region}/${loc.locality.zone}/${loc.locality.subZone}`;
      this.localityWeights.set(localityKey, loc.weight);
      for (const endpoint of loc.endpoints) {
        const key = `${endpoint.host}:${endpoint.port}`;
        const prev = this.hosts.get(key);
        const becameAvailable = endpoint.healthy && (prev === undefined || !prev.endpoint.healthy);
        next.set(key, {
          key,
          endpoint,
          priority: loc.priority,
          localityKey,
          outlier: prev?.outlier ?? newOutlierState(),
          attempts: prev?.attempts ?? { total: 0, failed: 0 },
          availableSince: !this.assigned ? -Infinity : becameAvailable ? now : (prev?.availableSince ?? now),
        });
      }
    }
    this.hosts = next;
    this.overprovisioning = assignment.overprovisioning;
    this.assigned = true;
  }

  /** The failback hysteresis of `h` at `now` (none without the cluster's failback policy). */
  private hysteresis(h: Host, now: number): Hysteresis {
    return hysteresisOf(this.cluster.failback, Math.max(h.availableSince, h.outlier.ejectedUntil), now);
  }

  private classOf(h: Host, now: number, hold = true): HostClass {
    if (isEjected(h.outlier, now)) return 'unhealthy';
    if (h.endpoint.healthy) return hold && this.hysteresis(h, now).held ? 'held' : 'healthy';
    return h.endpoint.degraded ? 'degraded' : 'unhealthy';
  }

  /**
   * Hosts per priority level and the level health Envoy's rules take, with the failback hysteresis: a held host
   * is left out of its level (neither healthy nor counted), a ramping one counts as its fraction of a host. When
   * that leaves nothing available anywhere, the hysteresis is dropped: holding back never causes an outage.
   */
  private levels(now: number): { levels: { hosts: Host[]; health: LevelHealth }[]; hold: boolean } {
    const held = this.levelsWith(now, true);
    if (!held.some((l) => (l.health.heldHosts ?? 0) > 0)) return { levels: held, hold: true };
    const anyAvailable = held.some((l) => l.health.healthy > 0 || (l.health.degraded ?? 0) > 0);
    return anyAvailable ? { levels: held, hold: true } : { levels: this.levelsWith(now, false), hold: false };
  }

  private levelsWith(now: number, hold: boolean): { hosts: Host[]; health: LevelHealth & { heldHosts?: number } }[] {
    const all = [...this.hosts.values()];
    const count = all.length === 0 ? 0 : Math.max(...all.map((h) => h.priority)) + 1;
    const levels = Array.from({ length: count }, () => ({
      hosts: [] as Host[],
      health: { healthy: 0, degraded: 0, total: 0, heldHosts: 0 },
    }));
    for (const h of all) {
      const level = levels[h.priority]!;
      level.hosts.push(h);
      const c = this.classOf(h, now, hold);
      if (c === 'held') {
        level.health.heldHosts++;
        continue;
      }
      level.health.total++;
      if (c === 'healthy') level.health.healthy += hold ? this.hysteresis(h, now).weight : 1;
      else if (c === 'degraded') level.health.degraded++;
    }
    return levels;
  }

  /** The per-priority load and panic state at `now` (what `/clusters` and tests inspect). */
  priorityState(now = Date.now()): PriorityLoad {
    return priorityLoad(
      this.levels(now).levels.map((l) => l.health),
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
    const { levels, hold } = this.levels(now);
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
      host = this.pickOnce(levels, state.panic, load, now, hold);
      if (!host || !exclude?.has(host.key)) return host;
    }
    return host;
  }

  private pickOnce(
    levels: { hosts: Host[] }[],
    panic: readonly boolean[],
    load: { healthyLoad: readonly number[]; degradedLoad: readonly number[] },
    now: number,
    hold: boolean,
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
    const eligible = level.hosts.filter((h) => this.classOf(h, now, hold) === slot.cls);
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
    host.attempts.total++;
    if (outcome !== 'success') host.attempts.failed++;
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
      held: h.endpoint.healthy && !isEjected(h.outlier, now) && this.hysteresis(h, now).held,
      rampPercent: Math.round(this.hysteresis(h, now).weight * 100),
      attempts: h.attempts.total,
      failedAttempts: h.attempts.failed,
    }));
  }
}
