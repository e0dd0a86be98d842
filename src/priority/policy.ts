/**
 * Whether locality priorities apply to a host, and with which rules: read from its DestinationRule's traffic
 * policy, as Istio does. Pure; takes the rule's fields structurally so every module can pass its own typing.
 */

/** A region failover rule of a DestinationRule's `localityLbSetting.failover`. */
export interface FailoverRule {
  readonly from: string;
  readonly to: string;
}

/** What decides priorities for one host once they apply. */
export interface PriorityPolicy {
  readonly failover: readonly FailoverRule[];
  /** `failoverPriority` entries: label keys (`tier`) or keys with the value to compare with (`tier=gold`). */
  readonly failoverPriority: readonly string[];
  /** A FailoverPolicy's `failoverOrder` (order.ts): where to fail over to, in order, after the own cluster. */
  readonly failoverOrder?: readonly string[];
}

/** The fields of a DestinationRule's `trafficPolicy` the priority rules read. */
export interface PriorityTrafficPolicy {
  readonly outlierDetection?: unknown;
  readonly loadBalancer?: {
    readonly localityLbSetting?: {
      readonly enabled?: boolean;
      readonly failover?: readonly { readonly from?: string; readonly to?: string }[];
      readonly failoverPriority?: readonly string[];
    };
  };
}

/** Why every endpoint of a host is priority 0. */
export type PrioritiesOff = 'no-destination-rule' | 'no-outlier-detection' | 'locality-lb-disabled';

/** The decision for one host: the policy to apply, or why none applies. */
export type PolicyDecision =
  { readonly on: true; readonly policy: PriorityPolicy } | { readonly on: false; readonly off: PrioritiesOff };

/**
 * Istio's rule: priorities need outlier detection on the rule (without it Envoy never sees priority-0 endpoints
 * fail, so traffic would never leave them) and `localityLbSetting.enabled` not `false`. `trafficPolicy` is
 * `undefined` when no DestinationRule applies to the host. `distribute` is not supported (ignored). `extra` carries
 * what the rule's meshbridge annotations add (a FailoverPolicy's `failoverOrder`).
 */
export function decidePolicy(
  trafficPolicy: PriorityTrafficPolicy | undefined,
  hasRule: boolean,
  extra: { readonly failoverOrder?: readonly string[] | undefined } = {},
): PolicyDecision {
  if (!hasRule) return { on: false, off: 'no-destination-rule' };
  if (!trafficPolicy?.outlierDetection) return { on: false, off: 'no-outlier-detection' };
  const lb = trafficPolicy.loadBalancer?.localityLbSetting;
  if (lb?.enabled === false) return { on: false, off: 'locality-lb-disabled' };
  return {
    on: true,
    policy: {
      failover: (lb?.failover ?? []).map((r) => ({ from: r.from ?? '', to: r.to ?? '' })),
      failoverPriority: lb?.failoverPriority ?? [],
      ...(extra.failoverOrder?.length ? { failoverOrder: extra.failoverOrder } : {}),
    },
  };
}
