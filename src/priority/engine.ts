/**
 * The one locality priority engine (SEMANTICS.md section 4, Istio's `applyLocalityFailover` and
 * `applyFailoverPriorities`): for a client and the candidate endpoints of one host, the priority level of each
 * endpoint and why. The mesh's EDS and the federation's `explain` both call {@link assignPriorities}. Pure.
 */
import { LOCALITY_LABELS, type Locality } from './locality.js';
import type { PriorityPolicy, PrioritiesOff, FailoverRule } from './policy.js';
import { orderTier } from './order.js';

/** A client proxy or a candidate endpoint, as far as priorities go. */
export interface PriorityPeer {
  readonly locality: Locality;
  readonly labels: Readonly<Record<string, string>>;
}

/** Why an endpoint's locality puts it where it is, relative to the client. */
export type LocalityReason =
  | { readonly code: 'same-subzone' }
  | { readonly code: 'same-zone' }
  | { readonly code: 'same-region' }
  | { readonly code: 'failover-region'; readonly from: string; readonly to: string }
  | { readonly code: 'other' };

/** Why an endpoint got its priority. */
export type PriorityReason =
  | LocalityReason
  | {
      readonly code: 'failover-priority';
      /** The leading `failoverPriority` entries the endpoint matches (a prefix of the list). */
      readonly matched: readonly string[];
      /** The first entry it does not match, when it does not match them all. */
      readonly missed?: string;
      /** With `failover` rules as well: the locality rule that orders endpoints matching the same labels. */
      readonly then?: LocalityReason;
    }
  | { readonly code: 'priorities-off'; readonly off: PrioritiesOff }
  | {
      readonly code: 'failover-order';
      /** 1-based position in `failoverOrder`; its length + 1 when the endpoint matches no entry. */
      readonly position: number;
      /** The entry matched, when one is. */
      readonly entry?: string;
      /** The rule that orders endpoints at the same position. */
      readonly then: PriorityReason;
    };

/** The stable reason codes (the `why` of `explain`). */
export type PriorityReasonCode = PriorityReason['code'];

/** One endpoint's result: `priority` compacted to 0..N, `rank` before compaction, and the reason. */
export interface EndpointPriority {
  readonly priority: number;
  readonly rank: number;
  readonly reason: PriorityReason;
}

/** Locality ranks: how many there are, so a label rank can be combined with one without overlap. */
const LOCALITY_LEVELS = 5;

/**
 * Locality rank of an endpoint for a client (before compaction):
 *
 * | Rank | Endpoint locality compared with the client's                          |
 * | ---- | --------------------------------------------------------------------- |
 * | 0    | same region, zone and subzone                                         |
 * | 1    | same region and zone, other subzone                                   |
 * | 2    | same region, other zone                                               |
 * | 3    | the region a failover rule `from: <client region>` names as `to`      |
 * | 4    | everything else                                                       |
 */
export function localityRank(client: Locality, endpoint: Locality, failover: readonly FailoverRule[] = []): number {
  return LOCALITY_RANK[localityReason(client, endpoint, failover).code];
}

const LOCALITY_RANK: Record<LocalityReason['code'], number> = {
  'same-subzone': 0,
  'same-zone': 1,
  'same-region': 2,
  'failover-region': 3,
  other: 4,
};

/** The row of the {@link localityRank} table an endpoint falls in. */
export function localityReason(
  client: Locality,
  endpoint: Locality,
  failover: readonly FailoverRule[] = [],
): LocalityReason {
  if (client.region === endpoint.region) {
    if (client.zone !== endpoint.zone) return { code: 'same-region' };
    return client.subzone === endpoint.subzone ? { code: 'same-subzone' } : { code: 'same-zone' };
  }
  const rule = failover.find((r) => r.from === client.region && r.to === endpoint.region);
  return rule ? { code: 'failover-region', from: rule.from, to: rule.to } : { code: 'other' };
}

/**
 * How many leading `failoverPriority` entries an endpoint matches. An entry `key` matches when the client has the
 * label and the endpoint has the same value; `key=value` (Istio's explicit value) when the endpoint has that value,
 * whatever the client has. Matching stops at the first miss: entry n counts only if entries 1..n-1 matched. The
 * topology labels (`topology.kubernetes.io/region|zone`, `topology.istio.io/subzone`) are taken from the
 * localities, as Istio does, so they work for WorkloadEntries too.
 */
export function matchedPrefix(
  failoverPriority: readonly string[],
  client: PriorityPeer,
  endpoint: PriorityPeer,
): number {
  let matched = 0;
  for (const entry of failoverPriority) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    const want = eq < 0 ? labelOf(client, key) : entry.slice(eq + 1);
    if (want === undefined || want !== labelOf(endpoint, key)) break;
    matched += 1;
  }
  return matched;
}

/** Label rank for `failoverPriority: [l1..ln]`: n minus the matched prefix, so a full match is 0. */
export function labelRank(failoverPriority: readonly string[], client: PriorityPeer, endpoint: PriorityPeer): number {
  return failoverPriority.length - matchedPrefix(failoverPriority, client, endpoint);
}

function labelOf(peer: PriorityPeer, key: string): string | undefined {
  // The locality wins over a label of the same key; an unknown (empty) locality part leaves the label.
  if (key === LOCALITY_LABELS.region) return peer.locality.region || peer.labels[key];
  if (key === LOCALITY_LABELS.zone) return peer.locality.zone || peer.labels[key];
  if (key === LOCALITY_LABELS.subzone) return peer.locality.subzone || peer.labels[key];
  return peer.labels[key];
}

/**
 * Priorities of `endpoints` for `client`, compacted to 0..N with no gaps (grpc-js-xds rejects a priority whose
 * predecessor is empty, and Envoy would treat the gap as an always-empty level).
 *
 * - `policy` is the decision of `decidePolicy`: when priorities are off, every endpoint is priority 0.
 * - Without `failoverPriority`: the {@link localityRank} table.
 * - With `failoverPriority` only: the {@link labelRank}; locality does not matter.
 * - With both: label rank first, locality rank breaks ties (Istio applies failoverPriority, then failover).
 * - With `failoverOrder` (meshbridge's, order.ts): the client cluster's own endpoints first, then those of each
 *   listed cluster or locality in turn, then the rest; the rules above order endpoints at the same position.
 */
export function assignPriorities(
  client: PriorityPeer,
  endpoints: readonly PriorityPeer[],
  policy: PriorityPolicy | PrioritiesOff,
): EndpointPriority[] {
  if (typeof policy === 'string') {
    const reason: PriorityReason = { code: 'priorities-off', off: policy };
    return endpoints.map(() => ({ priority: 0, rank: 0, reason }));
  }
  const ranked = endpoints.map((e) => rankOne(client, e, policy));
  const compact = compactPriorities(ranked.map((r) => r.rank));
  return ranked.map((r, i) => ({ priority: compact[i] ?? 0, rank: r.rank, reason: r.reason }));
}

function rankOne(
  client: PriorityPeer,
  endpoint: PriorityPeer,
  policy: PriorityPolicy,
): { rank: number; reason: PriorityReason } {
  const base = rankByRules(client, endpoint, policy);
  const order = policy.failoverOrder ?? [];
  if (order.length === 0) return base;
  const { tier, entry } = orderTier(order, endpoint);
  if (tier === 0) return base;
  // Every rank of the rules fits below one position's stride, so positions never interleave.
  const stride = (policy.failoverPriority.length + 1) * LOCALITY_LEVELS;
  return {
    rank: tier * stride + base.rank,
    reason: { code: 'failover-order', position: tier, ...(entry ? { entry } : {}), then: base.reason },
  };
}

function rankByRules(
  client: PriorityPeer,
  endpoint: PriorityPeer,
  policy: PriorityPolicy,
): { rank: number; reason: PriorityReason } {
  const fp = policy.failoverPriority;
  if (fp.length === 0) {
    const reason = localityReason(client.locality, endpoint.locality, policy.failover);
    return { rank: LOCALITY_RANK[reason.code], reason };
  }
  const k = matchedPrefix(fp, client, endpoint);
  const byLabels = fp.length - k;
  const base = {
    code: 'failover-priority' as const,
    matched: fp.slice(0, k),
    ...(k < fp.length ? { missed: fp[k] } : {}),
  };
  if (policy.failover.length === 0) return { rank: byLabels, reason: base };
  const then = localityReason(client.locality, endpoint.locality, policy.failover);
  return { rank: byLabels * LOCALITY_LEVELS + LOCALITY_RANK[then.code], reason: { ...base, then } };
}

/** Maps raw ranks to 0..N keeping their order (`[4, 0, 4, 2]` -> `[2, 0, 2, 1]`). */
export function compactPriorities(raw: readonly number[]): number[] {
  const levels = [...new Set(raw)].sort((a, b) => a - b);
  const index = new Map(levels.map((level, i) => [level, i]));
  return raw.map((r) => index.get(r) ?? 0);
}
