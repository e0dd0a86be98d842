/**
 * A service's failover behaviour beyond Istio's fields (docs/failover-policy.md): how healthy its local endpoints
 * must stay before part of the load fails over, and how failback is held back and ramped. The federation writes
 * it as annotations on the DestinationRule it generates from a `FailoverPolicy`; the embedded mesh reads them back
 * from the rule (a user may also annotate a rule directly). Real Istio ignores them. Pure.
 */
import { durationToMs } from './duration.js';

/** Annotation keys on a DestinationRule. */
export const FAILOVER_ANNOTATIONS = Object.freeze({
  minHealthyPercent: 'failover.meshbridge.io/min-healthy-percent',
  failbackDelay: 'failover.meshbridge.io/failback-delay',
  failbackRamp: 'failover.meshbridge.io/failback-ramp',
  /** The policy's `failoverOrder`, comma-separated. */
  order: 'failover.meshbridge.io/order',
  /** The fqn of the FailoverPolicy the rule was generated from (information only). */
  policy: 'failover.meshbridge.io/policy',
});

/** Longest failback delay or ramp (1 h): a bound on how long a configuration can hold local endpoints back. */
export const MAX_FAILBACK_MS = 3_600_000;

/** The behaviour, in numbers. Absent fields keep Envoy's behaviour. */
export interface FailoverBehaviour {
  /** Below this share of healthy endpoints a priority level starts to fail over (Envoy's default is 72 %). */
  minHealthyPercent?: number;
  failbackDelayMs?: number;
  failbackRampMs?: number;
  /** Where to fail over to, in order (`cluster=NAME`, `locality=REGION[/ZONE[/SUBZONE]]`). */
  failoverOrder?: string[];
}

/** At most this many `failoverOrder` entries. */
export const MAX_FAILOVER_ORDER = 16;

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const LOCALITY_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Why a `failoverOrder` entry is not `cluster=NAME` or `locality=REGION[/ZONE[/SUBZONE]]`, or undefined. */
export function failoverOrderEntryError(entry: string): string | undefined {
  const eq = entry.indexOf('=');
  const key = entry.slice(0, Math.max(0, eq));
  const value = entry.slice(eq + 1);
  if (eq < 0 || (key !== 'cluster' && key !== 'locality')) {
    return `${JSON.stringify(entry)} is not cluster=NAME or locality=REGION[/ZONE[/SUBZONE]]`;
  }
  if (key === 'cluster') {
    return CLUSTER_NAME.test(value) ? undefined : `${JSON.stringify(value)} is not a cluster name`;
  }
  const parts = value.split('/');
  return parts.length <= 3 && parts.every((p) => LOCALITY_PART.test(p))
    ? undefined
    : `${JSON.stringify(value)} is not a locality such as eu-west-1 or eu-west-1/eu-west-1a`;
}

/** One annotation that does not parse, with the reason. */
export interface FailoverAnnotationError {
  annotation: string;
  message: string;
}

/** Checks a percentage as the policy and the annotation take it: an integer 1..100. */
export function minHealthyPercentError(value: number): string | undefined {
  return Number.isInteger(value) && value >= 1 && value <= 100 ? undefined : 'expected an integer from 1 to 100';
}

/** Checks a failback duration: a duration from 0 to 1h. */
export function failbackDurationError(text: string): string | undefined {
  const ms = durationToMs(text);
  if (ms === undefined) return 'expected a duration such as 10s, 1.5s, 500ms or 1m';
  return ms <= MAX_FAILBACK_MS ? undefined : 'at most 1h';
}

/** Reads the behaviour from a rule's annotations; malformed values are reported and left out. */
export function parseFailoverAnnotations(annotations: Readonly<Record<string, string>> | undefined): {
  behaviour: FailoverBehaviour;
  errors: FailoverAnnotationError[];
} {
  const behaviour: FailoverBehaviour = {};
  const errors: FailoverAnnotationError[] = [];
  const percent = annotations?.[FAILOVER_ANNOTATIONS.minHealthyPercent];
  if (percent !== undefined) {
    const n = /^\d{1,3}$/.test(percent.trim()) ? Number(percent) : NaN;
    const problem = minHealthyPercentError(n);
    if (problem) errors.push({ annotation: FAILOVER_ANNOTATIONS.minHealthyPercent, message: problem });
    else behaviour.minHealthyPercent = n;
  }
  for (const [key, field] of [
    [FAILOVER_ANNOTATIONS.failbackDelay, 'failbackDelayMs'],
    [FAILOVER_ANNOTATIONS.failbackRamp, 'failbackRampMs'],
  ] as const) {
    const text = annotations?.[key];
    if (text === undefined) continue;
    const problem = failbackDurationError(text);
    if (problem) errors.push({ annotation: key, message: problem });
    else behaviour[field] = Math.round(durationToMs(text) ?? 0);
  }
  const order = annotations?.[FAILOVER_ANNOTATIONS.order];
  if (order !== undefined) {
    const entries = order.split(',').map((e) => e.trim());
    const problem =
      entries.length > MAX_FAILOVER_ORDER
        ? `at most ${MAX_FAILOVER_ORDER} entries`
        : entries.map(failoverOrderEntryError).find((e) => e !== undefined);
    if (problem) errors.push({ annotation: FAILOVER_ANNOTATIONS.order, message: problem });
    else behaviour.failoverOrder = entries;
  }
  return { behaviour, errors };
}

/** The annotations of a behaviour given as a policy writes it (durations as text). */
export function failoverAnnotations(spec: {
  minHealthyPercent?: number | undefined;
  failbackDelay?: string | undefined;
  failbackRamp?: string | undefined;
  failoverOrder?: readonly string[] | undefined;
}): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec.minHealthyPercent !== undefined)
    out[FAILOVER_ANNOTATIONS.minHealthyPercent] = String(spec.minHealthyPercent);
  if (spec.failbackDelay !== undefined) out[FAILOVER_ANNOTATIONS.failbackDelay] = spec.failbackDelay;
  if (spec.failbackRamp !== undefined) out[FAILOVER_ANNOTATIONS.failbackRamp] = spec.failbackRamp;
  if (spec.failoverOrder?.length) out[FAILOVER_ANNOTATIONS.order] = spec.failoverOrder.join(',');
  return out;
}

/**
 * Envoy's overprovisioning factor (percent) that makes a level start failing over below `minHealthyPercent`
 * healthy: a level keeps all load while healthy x factor >= 100 %, so factor = 100 / share (72 % <-> 140).
 */
export function overprovisioningFactorFor(minHealthyPercent: number): number {
  return Math.ceil(10_000 / minHealthyPercent);
}
