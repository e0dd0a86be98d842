/**
 * Envoy's rules for spreading load over priority levels, as pure functions in Envoy's integer percent arithmetic
 * (source: `LoadBalancerBase::recalculatePerPriorityState`, `recalculatePerPriorityPanic`,
 * `recalculateLoadInTotalPanic`, `isHostSetInPanic` and `distributeLoad` in Envoy's
 * `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`; the "Priority levels", "Degraded
 * endpoints" and "Panic threshold" pages of its load balancing docs).
 *
 * For each priority level P with `healthy`, `degraded` and `total` hosts and the overprovisioning factor F in
 * percent (EDS `policy.overprovisioning_factor`, 140 by default), all divisions truncating:
 *
 *   health(P)   = min(100, F x healthy / total)      degraded(P) = min(100, F x degraded / total)
 *   normalized  = min(100, sum of health + sum of degraded)
 *   healthy load(P)  = min(what is left of 100, health(P) x 100 / normalized), from P0 downwards
 *   degraded load(P) = min(what is left, degraded(P) x 100 / normalized), after every healthy load
 *   a remainder (truncation) goes to the first level with health, else the first with degraded health
 *
 * | P0 healthy | P1 healthy | load P0 | load P1 | panic                         |
 * | ---------- | ---------- | ------- | ------- | ----------------------------- |
 * | 100 %      | 100 %      | 100 %   | 0 %     | none                          |
 * | 71 %       | 100 %      | 99 %    | 1 %     | none                          |
 * | 1/3        | 3/3        | 46 %    | 54 %    | none (normalized total 100 %) |
 * | 25 %       | 25 %       | 50 %    | 50 %    | both: total panic, by hosts   |
 * | 0/3        | 0/2        | 60 %    | 40 %    | both: all unhealthy, by hosts |
 *
 * Panic (threshold 50 % by default): a level whose (healthy + degraded) share of its hosts is below the threshold
 * is in panic and balances over all its hosts, healthy or not, ignoring localities; but no level panics while
 * the normalized total is 100 % (the other levels can take the load). An empty level counts as in panic. When
 * every level is in panic ("total panic", which includes the all-unhealthy case: normalized total 0 with a
 * threshold above 0), the load follows host counts: load(P) = 100 x hosts(P) / all hosts, remainder to the first
 * non-empty level. Envoy's panic threshold doc still says "all traffic will be redirected to P=0" for the
 * all-unhealthy case; its code (`recalculatePerPriorityPanic` -> `recalculateLoadInTotalPanic`) splits by host
 * count, and we follow the code. With a threshold of 0 and nothing available, P0 gets 100 % and nothing panics
 * (the pick then finds no host: "no healthy upstream").
 */

/** Health input of one priority level (host counts). */
export interface LevelHealth {
  healthy: number;
  /** Degraded hosts (EDS `DEGRADED`); they take load only after healthy capacity runs out. Default 0. */
  degraded?: number;
  total: number;
}

/** Options; defaults are Envoy's. */
export interface PriorityOptions {
  /** Overprovisioning as a ratio (EDS factor 140 = 1.4); default 1.4. */
  overprovisioning?: number;
  /** Panic threshold in percent (`healthy_panic_threshold`); default 50. */
  panicThresholdPercent?: number;
}

/** Per-level state: integer percent loads (healthy + degraded sum to 100), panic flags, and the inputs to them. */
export interface PriorityLoad {
  /** Percent of requests served by each level's healthy hosts (or all its hosts when it is in panic). */
  healthyLoad: number[];
  /** Percent of requests served by each level's degraded hosts. */
  degradedLoad: number[];
  panic: boolean[];
  /** health(P) and degraded(P) in percent, as above. */
  health: number[];
  degradedHealth: number[];
  normalizedTotal: number;
  totalPanic: boolean;
}

/** The overprovisioning factor as Envoy's integer percent (1.4 -> 140). */
export const factorPercent = (overprovisioning: number): number => Math.round(overprovisioning * 100);

/** Availability in percent of `count` of `total` hosts with factor `f` (percent), capped at 100, truncated. */
const availability = (f: number, count: number, total: number): number =>
  total > 0 ? Math.min(100, Math.floor((f * count) / total)) : 0;

/**
 * Hands out `total` percent over levels in order, each at most `avail x 100 / normalized` (Envoy's
 * distributeLoad). Returns what is left and the first level with availability (-1 when none).
 */
function distribute(out: number[], avail: readonly number[], total: number, normalized: number): [number, number] {
  let first = -1;
  let left = total;
  for (let i = 0; i < avail.length; i++) {
    const a = avail[i] ?? 0;
    if (first < 0 && a > 0) first = i;
    const share = Math.min(left, Math.floor((a * 100) / normalized));
    out[i] = share;
    left -= share;
  }
  return [left, first];
}

/** Whether a level's healthy + degraded share of its hosts is below the threshold (an empty level is). */
export function levelInPanic(level: LevelHealth, thresholdPercent: number): boolean {
  const available =
    level.total > 0 ? (100 * level.healthy) / level.total + (100 * (level.degraded ?? 0)) / level.total : 0;
  return available < thresholdPercent;
}

/** Computes Envoy's per-priority load and panic state. Pure; `levels[i]` is priority i. */
export function priorityLoad(levels: readonly LevelHealth[], options: PriorityOptions = {}): PriorityLoad {
  const f = factorPercent(options.overprovisioning ?? 1.4);
  const threshold = Math.min(100, options.panicThresholdPercent ?? 50);
  const n = levels.length;
  const health = levels.map((l) => availability(f, l.healthy, l.total));
  const degradedHealth = levels.map((l) => availability(f, l.degraded ?? 0, l.total));
  const normalizedTotal = Math.min(
    100,
    [...health, ...degradedHealth].reduce((a, b) => a + b, 0),
  );
  const healthyLoad = new Array<number>(n).fill(0);
  const degradedLoad = new Array<number>(n).fill(0);
  const panic = new Array<boolean>(n).fill(false);
  const result = { healthyLoad, degradedLoad, panic, health, degradedHealth, normalizedTotal, totalPanic: false };
  if (n === 0) return result;
  if (normalizedTotal > 0) {
    const [leftAfterHealthy, firstHealthy] = distribute(healthyLoad, health, 100, normalizedTotal);
    const [left, firstDegraded] = distribute(degradedLoad, degradedHealth, leftAfterHealthy, normalizedTotal);
    if (left > 0) {
      if (firstHealthy >= 0) healthyLoad[firstHealthy] = (healthyLoad[firstHealthy] ?? 0) + left;
      else degradedLoad[firstDegraded] = (degradedLoad[firstDegraded] ?? 0) + left;
    }
  }
  if (threshold <= 0 && normalizedTotal === 0) {
    // Panic disabled and nothing available: the loads must still sum to 100, so P0 gets it (and finds no host).
    healthyLoad[0] = 100;
    return result;
  }
  for (let i = 0; i < n; i++) {
    panic[i] = normalizedTotal === 100 ? false : threshold > 0 && levelInPanic(levels[i]!, threshold);
  }
  if (panic.every(Boolean)) {
    result.totalPanic = true;
    const hosts = levels.reduce((a, l) => a + l.total, 0);
    degradedLoad.fill(0);
    healthyLoad.fill(0);
    if (hosts === 0) {
      healthyLoad[0] = 100;
      return result;
    }
    let left = 100;
    for (let i = 0; i < n; i++) {
      const share = Math.floor((100 * levels[i]!.total) / hosts);
      healthyLoad[i] = share;
      left -= share;
    }
    const firstNonEmpty = levels.findIndex((l) => l.total > 0);
    healthyLoad[firstNonEmpty] = (healthyLoad[firstNonEmpty] ?? 0) + left;
  }
  return result;
}

/**
 * The load a retry uses under Envoy's `previous_priorities` retry priority: levels in `excluded` (those of hosts
 * already attempted) count as unavailable and the load is redistributed over the others, handing out truncation
 * leftovers in further rounds. When the exclusions leave nothing available, the original load stands (Envoy
 * then forgets the exclusions); `undefined` means "use the original". Pure.
 */
export function retryPriorityLoad(
  state: PriorityLoad,
  excluded: ReadonlySet<number>,
): { healthyLoad: number[]; degradedLoad: number[] } | undefined {
  if (excluded.size === 0) return undefined;
  const health = state.health.map((h, i) => (excluded.has(i) ? 0 : h));
  const degraded = state.degradedHealth.map((h, i) => (excluded.has(i) ? 0 : h));
  const total = Math.min(
    100,
    [...health, ...degraded].reduce((a, b) => a + b, 0),
  );
  if (total === 0) return undefined;
  const healthyLoad = health.map(() => 0);
  const degradedLoad = degraded.map(() => 0);
  let left = 100;
  while (left > 0) {
    for (const [avail, out] of [
      [health, healthyLoad],
      [degraded, degradedLoad],
    ] as const) {
      for (let i = 0; i < avail.length; i++) {
        const share = Math.min(left, Math.floor(((avail[i] ?? 0) * 100) / total));
        out[i] = (out[i] ?? 0) + share;
        left -= share;
      }
    }
  }
  return { healthyLoad, degradedLoad };
}

/**
 * Effective weight of a locality inside a level (Envoy `HostSetImpl::effectiveLocalityWeight`): its configured
 * weight scaled by its own availability, min(1, overprovisioning x available / total) (available = healthy hosts,
 * or degraded ones when picking among degraded hosts). 0 for a locality with no hosts.
 */
export function effectiveLocalityWeight(
  weight: number,
  locality: { available: number; total: number },
  overprovisioning = 1.4,
): number {
  if (locality.total <= 0) return 0;
  return weight * Math.min(1, (overprovisioning * locality.available) / locality.total);
}
