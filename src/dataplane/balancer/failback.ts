/**
 * Failback hysteresis, meshbridge's addition to Envoy's balancing (a cluster's `failback` policy, carried in CDS
 * metadata; docs/failover-policy.md). Envoy lets the first host to turn healthy take back its level's whole share
 * at once, so a flapping local endpoint drags traffic back and forth. With a policy, a host that has just become
 * available is:
 * - held for `delayMs`: it takes no load while any other host can (it must stay available this long first);
 * - then ramped over `rampMs`: it counts as a growing fraction of a host in its level's health, so the level's
 *   share of the load grows over the ramp instead of jumping back (the priority-level analogue of Envoy's slow
 *   start, which only shapes weights inside a locality).
 * Pure: the time the host became available and the clock in, the state out.
 */
import type { FailbackModel } from '../xds/model.js';

/** Where a host stands in its failback. */
export interface Hysteresis {
  /** Held back by the delay. */
  readonly held: boolean;
  /** The share of a host it counts as in its level's health, 0..1 (1 when settled or without a policy). */
  readonly weight: number;
}

const SETTLED: Hysteresis = Object.freeze({ held: false, weight: 1 });

/**
 * The hysteresis of a host available since `since` (ms, -Infinity when always) at `now` under `policy`. A host
 * held or ramping is still healthy for Envoy's rules; the balancer applies this on top.
 */
export function hysteresisOf(policy: FailbackModel | undefined, since: number, now: number): Hysteresis {
  if (!policy || (policy.delayMs <= 0 && policy.rampMs <= 0) || !Number.isFinite(since)) return SETTLED;
  const age = now - since;
  if (age < policy.delayMs) return { held: true, weight: 0 };
  if (policy.rampMs <= 0 || age >= policy.delayMs + policy.rampMs) return SETTLED;
  return { held: false, weight: (age - policy.delayMs) / policy.rampMs };
}
