/**
 * DestinationRule lookup and conversion to Envoy fields (Istio's rules, reduced to what meshbridge generates and
 * what the seed needs: outlier detection, locality failover, connect timeout).
 */
import type { DestinationRule, OutlierDetection } from '../inputs.js';
import { decidePolicy, selectDestinationRule, type PrioritiesOff, type PriorityPolicy } from '../../priority/index.js';
import type { Snapshot } from '../snapshot.js';
import { duration, parseDurationMs, type XdsObject } from '../xds-types.js';
import { overprovisioningFactorFor, parseFailoverAnnotations } from '../../api/failover-policy.js';
import { OVERPROVISIONING_FACTOR } from './endpoints.js';

/** The host a rule applies to, fully qualified (the priority engine's rule, shared with `explain`). */
export { ruleHost } from '../../priority/index.js';

/**
 * The DestinationRule that applies to `host` for a proxy in `proxyNamespace`: Istio's precedence (the priority
 * engine's `selectDestinationRule`, shared with `explain`), a rule in the proxy's namespace first, then one in the
 * service's namespace, then any other; an exact host beats a wildcard; ties go to the first by namespace/name.
 */
export function findDestinationRule(
  snapshot: Snapshot,
  host: string,
  proxyNamespace: string,
  serviceNamespace: string,
): DestinationRule | undefined {
  return selectDestinationRule(snapshot.destinationRules, host, proxyNamespace, serviceNamespace);
}

/**
 * Envoy `outlier_detection` for a rule, or `undefined` when the rule sets none: then the cluster carries no
 * outlier detection at all (choice: Istio sends none either unless a DestinationRule asks).
 *
 * `enforcing_success_rate: 0` is always set: success-rate ejection is on by default in Envoy's proto and
 * grpc-js-xds crashes on a config that enables it with its `success_rate_*` fields unset.
 */
export function outlierDetection(dr: DestinationRule | undefined): XdsObject | undefined {
  const od: OutlierDetection | undefined = dr?.spec?.trafficPolicy?.outlierDetection;
  if (!od) return undefined;
  const out: Record<string, unknown> = { enforcing_success_rate: { value: 0 } };
  if (od.consecutive5xxErrors !== undefined) {
    out['consecutive_5xx'] = { value: od.consecutive5xxErrors };
    // Istio: a count of 0 disables this detector rather than ejecting on every error.
    out['enforcing_consecutive_5xx'] = { value: od.consecutive5xxErrors > 0 ? 100 : 0 };
  }
  if (od.consecutiveGatewayErrors !== undefined) {
    out['consecutive_gateway_failure'] = { value: od.consecutiveGatewayErrors };
    out['enforcing_consecutive_gateway_failure'] = { value: od.consecutiveGatewayErrors > 0 ? 100 : 0 };
  }
  const interval = lenientDurationMs(od.interval);
  if (interval !== undefined) out['interval'] = duration(interval);
  const baseEjection = lenientDurationMs(od.baseEjectionTime);
  if (baseEjection !== undefined) out['base_ejection_time'] = duration(baseEjection);
  if (od.maxEjectionPercent !== undefined) out['max_ejection_percent'] = { value: od.maxEjectionPercent };
  return out;
}

/**
 * Whether locality priorities apply, and with which rules: the priority engine's decision (`decidePolicy`, Istio's
 * rule: outlier detection on the rule and `localityLbSetting.enabled` not `false`), or why they are off, in which
 * case every endpoint is priority 0.
 */
export function priorityPolicy(dr: DestinationRule | undefined): PriorityPolicy | PrioritiesOff {
  const { behaviour } = parseFailoverAnnotations(dr?.metadata?.annotations);
  const decision = decidePolicy(dr?.spec?.trafficPolicy, dr !== undefined, {
    failoverOrder: behaviour.failoverOrder,
  });
  return decision.on ? decision.policy : decision.off;
}

/** Connection timeout: the rule's `connectionPool.tcp.connectTimeout`, else Istio's default 10 s. */
export function connectTimeoutMs(dr: DestinationRule | undefined): number {
  return lenientDurationMs(dr?.spec?.trafficPolicy?.connectionPool?.tcp?.connectTimeout) ?? 10_000;
}

/**
 * A duration, or `undefined` when absent or malformed. Validation (src/api) rejects malformed rules before they
 * are stored; one that still reaches the control plane (e.g. written to a real API server without our validator)
 * falls back to Envoy's default for that field instead of failing every proxy's configuration.
 */
function lenientDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDurationMs(text);
  } catch {
    return undefined;
  }
}

/**
 * A rule's failover behaviour beyond Istio's fields (a FailoverPolicy's, as annotations; src/api/failover-policy.ts):
 * the EDS overprovisioning factor and the failback hysteresis. A malformed annotation (one written past our
 * validator) is left out, keeping Envoy's behaviour for that part.
 */
export function failoverBehaviour(dr: DestinationRule | undefined): {
  overprovisioningFactor: number;
  failback: { delayMs: number; rampMs: number } | undefined;
} {
  const { behaviour } = parseFailoverAnnotations(dr?.metadata?.annotations);
  const delayMs = behaviour.failbackDelayMs ?? 0;
  const rampMs = behaviour.failbackRampMs ?? 0;
  return {
    overprovisioningFactor:
      behaviour.minHealthyPercent === undefined
        ? OVERPROVISIONING_FACTOR
        : overprovisioningFactorFor(behaviour.minHealthyPercent),
    failback: delayMs > 0 || rampMs > 0 ? { delayMs, rampMs } : undefined,
  };
}
