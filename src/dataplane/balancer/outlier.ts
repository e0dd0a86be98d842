/**
 * Outlier detection, after Envoy's consecutive-errors detectors: a host is ejected after `consecutive5xx`
 * 5xx-class results or `consecutiveGatewayErrors` gateway errors (502/503/504, connect failures, resets, timeouts)
 * in a row; the ejection lasts `baseEjectionMs x number of times ejected` (capped at 300 s, Envoy's
 * max_ejection_time); the ejected share of the cluster never exceeds `maxEjectionPercent` (but one host can
 * always be ejected, as in Envoy). Locally originated failures count as both kinds (Envoy's default when
 * split_external_local_origin_errors is false). The ejection count decays by one per interval spent healthy.
 */
import type { OutlierModel } from '../xds/model.js';

/** Outcome of one request attempt to a host. */
export type AttemptOutcome = 'success' | 'http5xx' | 'gateway';

/** Per-host detector state. */
export interface OutlierState {
  consecutive5xx: number;
  consecutiveGateway: number;
  ejections: number;
  ejectedUntil: number;
  lastDecay: number;
}

/** A fresh state. */
export const newOutlierState = (): OutlierState => ({
  consecutive5xx: 0,
  consecutiveGateway: 0,
  ejections: 0,
  ejectedUntil: 0,
  lastDecay: 0,
});

const MAX_EJECTION_MS = 300_000;

/** True when the host is ejected at `now`. */
export const isEjected = (s: OutlierState, now: number): boolean => s.ejectedUntil > now;

/**
 * Records an outcome; returns true when it caused an ejection. `ejectedCount`/`hostCount` describe the cluster
 * (for the max ejection percent). Mutates `s` only.
 */
export function recordOutcome(
  s: OutlierState,
  outcome: AttemptOutcome,
  rule: OutlierModel | undefined,
  cluster: { ejectedCount: number; hostCount: number },
  now: number,
): boolean {
  if (rule && s.ejections > 0 && !isEjected(s, now) && now - s.lastDecay >= rule.intervalMs) {
    s.ejections = Math.max(
      0,
      s.ejections - Math.floor((now - Math.max(s.lastDecay, s.ejectedUntil)) / rule.intervalMs),
    );
    s.lastDecay = now;
  }
  if (outcome === 'success') {
    s.consecutive5xx = 0;
    s.consecutiveGateway = 0;
    return false;
  }
  s.consecutive5xx++;
  if (outcome === 'gateway') s.consecutiveGateway++;
  if (!rule || isEjected(s, now)) return false;
  const trip =
    (rule.consecutive5xx > 0 && s.consecutive5xx >= rule.consecutive5xx) ||
    (rule.consecutiveGatewayErrors > 0 && s.consecutiveGateway >= rule.consecutiveGatewayErrors);
  if (!trip) return false;
  const allowed =
    cluster.ejectedCount === 0 || ((cluster.ejectedCount + 1) * 100) / cluster.hostCount <= rule.maxEjectionPercent;
  if (!allowed) return false;
  s.ejections++;
  s.ejectedUntil = now + Math.min(MAX_EJECTION_MS, rule.baseEjectionMs * s.ejections);
  s.lastDecay = s.ejectedUntil;
  s.consecutive5xx = 0;
  s.consecutiveGateway = 0;
  return true;
}
