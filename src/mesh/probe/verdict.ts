/**
 * From probe results to a WorkloadEntry's health: Istio's `Healthy` condition on the entry's status, which the
 * mesh reads when it builds EDS (a `False` entry is sent `UNHEALTHY`). An entry turns unhealthy after
 * `unhealthyThreshold` failed probes in a row (2) and healthy again after `healthyThreshold` good ones (1), so one
 * lost probe does not move traffic and a recovered service is used again at the next round. Pure.
 */
import { HEALTHY_CONDITION, healthyCondition, type HealthyConditionView } from '../../api/index.js';

export { HEALTHY_CONDITION };

/** Why a probe failed, from the outside in. */
export type ProbeFailure =
  /** No TCP connection to the gateway address (refused, unreachable, timed out). */
  | 'GatewayUnreachable'
  /** The gateway took the connection but no mTLS session with the service came up: it has no endpoint for it. */
  | 'RemoteServiceUnavailable'
  /** The service's sidecar answered, but its application does not accept connections. */
  | 'RemoteApplicationDown';

/** One probe's result. */
export type ProbeResult = { ok: true } | { ok: false; reason: ProbeFailure; message: string };

/** A `Healthy` condition as written on the entry. */
export interface HealthCondition {
  type: typeof HEALTHY_CONDITION;
  status: 'True' | 'False';
  reason: 'ProbeSucceeded' | ProbeFailure;
  message: string;
  lastProbeTime: string;
  lastTransitionTime: string;
}

/** Per-entry memory of the prober. */
export interface ProbeState {
  healthy: boolean;
  /** Consecutive results against the current state. */
  streak: number;
}

/** How many results in a row change an entry's health (Envoy's health checker calls them the same). */
export interface Thresholds {
  unhealthyThreshold: number;
  healthyThreshold: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { unhealthyThreshold: 2, healthyThreshold: 1 };

/** A new entry is healthy until probes say otherwise (as an entry without a condition is). */
export const initialState = (): ProbeState => ({ healthy: true, streak: 0 });

/** The state after one entry's probes in a round (every port must pass). */
export function nextState(state: ProbeState, ok: boolean, t: Thresholds = DEFAULT_THRESHOLDS): ProbeState {
  if (ok === state.healthy) return { healthy: state.healthy, streak: 0 };
  const streak = state.streak + 1;
  const needed = ok ? t.healthyThreshold : t.unhealthyThreshold;
  return streak >= needed ? { healthy: ok, streak: 0 } : { healthy: state.healthy, streak };
}

/** The condition to write for an entry in `state` after `result`, keeping the transition time when unchanged. */
export function conditionFor(
  state: ProbeState,
  result: ProbeResult,
  previous: HealthyConditionView | undefined,
  now: Date,
): HealthCondition {
  const status = state.healthy ? 'True' : 'False';
  const reason = result.ok ? 'ProbeSucceeded' : result.reason;
  const message = result.ok
    ? 'the remote service answered its probe through the gateway'
    : state.healthy
      ? `probe failed (${result.message}); still healthy until the failure repeats`
      : result.message;
  return {
    type: HEALTHY_CONDITION,
    status,
    reason,
    message,
    lastProbeTime: now.toISOString(),
    lastTransitionTime:
      previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : now.toISOString(),
  };
}

/** Whether an entry's status says it is unhealthy (a `Healthy` condition with status `False`). */
export function entryUnhealthy(status: unknown): boolean {
  return healthyCondition(status)?.status === 'False';
}
