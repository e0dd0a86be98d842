/**
 * Envoy's rules for spreading load over priority levels, as pure functions (source: Envoy
 * `LoadBalancerBase::recalculatePerPriorityState`, "Priority levels" in the Envoy architecture docs).
 *
 * For each priority level P with `healthy` of `total` hosts:
 *
 *   health(P)        = min(100 %, overprovisioning (1.4) x healthy / total)
 *   normalized total = min(100 %, sum of health(P))
 *   load(P)          = min(remaining, health(P) / normalized total), taken from P0 downwards
 *
 * | P0 healthy | P1 healthy | load P0 | load P1 |
 * | ---------- | ---------- | ------- | ------- |
 * | 3/3        | 3/3        | 100 %   | 0 %     |
 * | 2/3        | 3/3        | 93.3 %  | 6.7 %   |   (1.4 x 2/3 = 0.933)
 * | 1/2        | 3/3        | 70 %    | 30 %    |
 * | 0/3        | 3/3        | 0 %     | 100 %   |
 * | 0/3        | 0/3        | 100 %   | 0 %     |   (nothing healthy: all to P0, in panic)
 *
 * Panic (threshold 50 %): a level whose healthy share is below the threshold is "in panic" and balances over
 * all its hosts, healthy or not (Envoy's guard against overloading a few survivors). When the normalized total
 * is below 100 % and every level with hosts is in panic ("total panic"), load follows host counts.
 *
 * Envoy rounds health and load to integer percent (93 % rather than 93.3 %); we keep the exact fractions, which
 * differ by under one percentage point.
 */

/** Health input of one priority level (weights of hosts, or counts). */
export interface LevelHealth {
  healthy: number;
  total: number;
}

/** Options; defaults are Envoy's. */
export interface PriorityOptions {
  /** Overprovisioning as a ratio; Envoy's default factor 140 = 1.4. */
  overprovisioning?: number;
  /** Panic threshold in percent; default 50. */
  panicThresholdPercent?: number;
}

/** Per-level load (fractions summing to 1) and panic flags. */
export interface PriorityLoad {
  load: number[];
  panic: boolean[];
}

/** Health of a level in [0, 1] with overprovisioning applied. */
export function levelHealth(level: LevelHealth, overprovisioning = 1.4): number {
  if (level.total <= 0) return 0;
  return Math.min(1, (overprovisioning * level.healthy) / level.total);
}

/** Computes the load per priority level. Pure. */
export function priorityLoad(levels: readonly LevelHealth[], options: PriorityOptions = {}): PriorityLoad {
  const factor = options.overprovisioning ?? 1.4;
  const threshold = (options.panicThresholdPercent ?? 50) / 100;
  const panic = levels.map((l) => l.total > 0 && l.healthy / l.total < threshold);
  const load = levels.map(() => 0);
  if (levels.length === 0) return { load, panic };
  const health = levels.map((l) => levelHealth(l, factor));
  const normalized = Math.min(
    1,
    health.reduce((a, b) => a + b, 0),
  );
  if (normalized === 0) {
    // Nothing healthy anywhere: Envoy sends everything to P0 (which is then in panic).
    load[0] = 1;
    return { load, panic };
  }
  const populated = levels.map((l, i) => ({ l, i })).filter(({ l }) => l.total > 0);
  if (normalized < 1 && populated.every(({ i }) => panic[i])) {
    const hosts = populated.reduce((a, { l }) => a + l.total, 0);
    for (const { l, i } of populated) load[i] = l.total / hosts;
    return { load, panic };
  }
  let remaining = 1;
  for (let i = 0; i < levels.length; i++) {
    const share = Math.min(remaining, (health[i] ?? 0) / normalized);
    load[i] = share;
    remaining -= share;
  }
  // Floating point leftovers go to the first level with health, as Envoy does with its integer remainder.
  if (remaining > 1e-12) {
    const first = health.findIndex((h) => h > 0);
    load[first] = (load[first] ?? 0) + remaining;
  }
  return { load, panic };
}

/**
 * Effective weight of a locality inside a level (Envoy locality-weighted LB): its configured weight scaled by
 * its own availability, min(1, overprovisioning x healthy / total).
 */
export function effectiveLocalityWeight(weight: number, level: LevelHealth, overprovisioning = 1.4): number {
  return weight * levelHealth(level, overprovisioning);
}
