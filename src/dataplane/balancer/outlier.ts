/**
 * Outlier detection, after Envoy's consecutive-errors detectors:
 * - consecutive 5xx (`consecutive_5xx`, enforced 100 % by default): 5xx answers in a row;
 * - consecutive gateway failures (`consecutive_gateway_failure`, enforced only as far as
 *   `enforcing_consecutive_gateway_failure` says, 0 % by default as in Envoy): 502/503/504 in a row;
 * - locally originated failures (connect failure, reset, timeout): with `split_external_local_origin_errors`
 *   false (the default) they count as 503/504 answers, so both detectors above see them; with it true they count
 *   only for `consecutive_local_origin_failure` (5, enforced 100 % by default) and the other detectors see only
 *   answers from the upstream.
 * An ejection lasts `baseEjectionMs x number of times ejected` (capped at 300 s, Envoy's max_ejection_time); the
 * ejected share of the cluster never exceeds `maxEjectionPercent` (but one host can always be ejected, as in
 * Envoy). The ejection count decays by one per interval spent healthy. An enforcing percentage between 0 and 100
 * ejects with that probability, as Envoy does.
 */
import type { OutlierModel } from '../xds/model.js';

/**
 * Outcome of one request attempt to a host: an upstream answer (`success`, `http5xx` for 500/501/505+, `gateway`
 * for 502/503/504) or a locally originated failure (`local-origin`: connect failure, reset, timeout).
 */
export type AttemptOutcome = 'success' | 'http5xx' | 'gateway' | 'local-origin';

/** Per-host detector state. */
export interface OutlierState {
  consecutive5xx: number;
  consecutiveGateway: number;
  consecutiveLocalOrigin: number;
  ejections: number;
  ejectedUntil: number;
  lastDecay: number;
}

/** A fresh state. */
export const newOutlierState = (): OutlierState => ({
  consecutive5xx: 0,
  consecutiveGateway: 0,
  consecutiveLocalOrigin: 0,
  ejections: 0,
  ejectedUntil: 0,
  lastDecay: 0,
});

const MAX_EJECTION_MS = 300_000;

/** True when the host is ejected at `now`. */
export const isEjected = (s: OutlierState, now: number): boolean => s.ejectedUntil > now;

/** Whether a detector at `count` of `threshold` trips, enforced `enforcing` percent of the time. */
const trips = (count: number, threshold: number, enforcing: number): boolean =>
  threshold > 0 && count >= threshold && enforcing > 0 && (enforcing >= 100 || Math.random() * 100 < enforcing);

/** Counts an outcome into the detectors' counters (Envoy's mapping of local-origin errors included). */
function count(s: OutlierState, outcome: AttemptOutcome, split: boolean): void {
  switch (outcome) {
    case 'success':
      s.consecutive5xx = 0;
      s.consecutiveGateway = 0;
      s.consecutiveLocalOrigin = 0;
      return;
    case 'http5xx':
      s.consecutive5xx++;
      s.consecutiveGateway = 0;
      return;
    case 'gateway':
      s.consecutive5xx++;
      s.consecutiveGateway++;
      return;
    case 'local-origin':
      if (split) {
        s.consecutiveLocalOrigin++;
      } else {
        s.consecutive5xx++;
        s.consecutiveGateway++;
      }
      return;
  }
}

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
  count(s, outcome, rule?.splitExternalLocalOrigin === true);
  if (outcome === 'success' || !rule || isEjected(s, now)) return false;
  const trip =
    trips(s.consecutive5xx, rule.consecutive5xx, rule.enforcingConsecutive5xx ?? 100) ||
    trips(s.consecutiveGateway, rule.consecutiveGatewayErrors, rule.enforcingConsecutiveGateway ?? 0) ||
    trips(s.consecutiveLocalOrigin, rule.consecutiveLocalOrigin ?? 5, rule.enforcingConsecutiveLocalOrigin ?? 100);
  if (!trip) return false;
  const allowed =
    cluster.ejectedCount === 0 || ((cluster.ejectedCount + 1) * 100) / cluster.hostCount <= rule.maxEjectionPercent;
  if (!allowed) return false;
  s.ejections++;
  s.ejectedUntil = now + Math.min(MAX_EJECTION_MS, rule.baseEjectionMs * s.ejections);
  s.lastDecay = s.ejectedUntil;
  s.consecutive5xx = 0;
  s.consecutiveGateway = 0;
  s.consecutiveLocalOrigin = 0;
  return true;
}
