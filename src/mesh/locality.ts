/**
 * Locality and the priority an endpoint gets for a given client: SEMANTICS.md section 4, the same rules as Istio's
 * `applyLocalityFailover` / `applyFailoverPriorities`.
 */

/** A region/zone/subzone triple; empty strings mean "unknown". */
export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subzone: string;
}

/** The locality nobody has: endpoints and clients without any locality information. */
export const NO_LOCALITY: Locality = Object.freeze({ region: '', zone: '', subzone: '' });

/** Node label keys Kubernetes and Istio use for locality. */
export const LOCALITY_LABELS = Object.freeze({
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  subzone: 'topology.istio.io/subzone',
});

/** The pod label that overrides the node's locality (dot separated: `region.zone.subzone`). */
export const ISTIO_LOCALITY_LABEL = 'istio-locality';

/**
 * Parses `region/zone/subzone` (WorkloadEntry `locality`, `MB_LOCALITY`) or, with `separator: '.'`,
 * `region.zone.subzone` (the `istio-locality` pod label). Missing parts are empty.
 */
export function parseLocality(text: string | undefined, separator: '/' | '.' = '/'): Locality {
  if (!text) return NO_LOCALITY;
  const [region = '', zone = '', subzone = ''] = text.split(separator);
  return { region, zone, subzone };
}

/** `region/zone/subzone` with trailing empty parts dropped (`eu-remote-1`, `eu-west-2/eu-west-2a`). */
export function formatLocality(l: Locality): string {
  return [l.region, l.zone, l.subzone].join('/').replace(/\/+$/, '');
}

/**
 * The locality of a pod: its `istio-locality` label wins (that is how the seed moves East-West gateway entries
 * into a region of their own); otherwise the topology labels of the node it runs on.
 */
export function podLocality(
  podLabels: Readonly<Record<string, string>> | undefined,
  nodeLabels: Readonly<Record<string, string>> | undefined,
): Locality {
  const override = podLabels?.[ISTIO_LOCALITY_LABEL];
  if (override) return parseLocality(override, '.');
  return {
    region: nodeLabels?.[LOCALITY_LABELS.region] ?? '',
    zone: nodeLabels?.[LOCALITY_LABELS.zone] ?? '',
    subzone: nodeLabels?.[LOCALITY_LABELS.subzone] ?? '',
  };
}

/** Whether two localities are the same triple. */
export function sameLocality(a: Locality, b: Locality): boolean {
  return a.region === b.region && a.zone === b.zone && a.subzone === b.subzone;
}

/** A region failover rule of a DestinationRule's `localityLbSetting.failover`. */
export interface FailoverRule {
  readonly from: string;
  readonly to: string;
}

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
  if (client.region === endpoint.region) {
    if (client.zone !== endpoint.zone) return 2;
    return client.subzone === endpoint.subzone ? 0 : 1;
  }
  return failover.some((r) => r.from === client.region && r.to === endpoint.region) ? 3 : 4;
}

/**
 * Label rank for `failoverPriority: [l1..ln]` (Istio/TSB): an endpoint that matches the client on l1..lk (and not
 * on l(k+1)) gets rank n - k, so a full match is 0 and matching nothing (or only a later label) is n. The
 * topology labels (`topology.kubernetes.io/region|zone`, `topology.istio.io/subzone`) are taken from the
 * localities, as Istio does, so they work for WorkloadEntries too.
 */
export function labelRank(
  failoverPriority: readonly string[],
  client: LabelledLocality,
  endpoint: LabelledLocality,
): number {
  const c = withTopologyLabels(client);
  const e = withTopologyLabels(endpoint);
  let matched = 0;
  for (const label of failoverPriority) {
    const value = c[label];
    if (value === undefined || value !== e[label]) break;
    matched += 1;
  }
  return failoverPriority.length - matched;
}

/** Labels and locality of a client or endpoint, the inputs of {@link labelRank}. */
export interface LabelledLocality {
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Locality;
}

function withTopologyLabels(x: LabelledLocality): Record<string, string> {
  const out: Record<string, string> = { ...x.labels };
  if (x.locality.region) out[LOCALITY_LABELS.region] = x.locality.region;
  if (x.locality.zone) out[LOCALITY_LABELS.zone] = x.locality.zone;
  if (x.locality.subzone) out[LOCALITY_LABELS.subzone] = x.locality.subzone;
  return out;
}

/** What decides priorities for one service, from its DestinationRule's `localityLbSetting`. */
export interface PriorityPolicy {
  readonly failover: readonly FailoverRule[];
  readonly failoverPriority: readonly string[];
}

/**
 * Priorities of `endpoints` for `client`, compacted to 0..N with no gaps (grpc-js-xds rejects a priority whose
 * predecessor is empty, and Envoy would treat the gap as an always-empty level).
 *
 * - Without `failoverPriority`: the {@link localityRank} table.
 * - With `failoverPriority` only: the {@link labelRank}; locality does not matter.
 * - With both: label rank first, locality rank breaks ties (Istio applies failoverPriority, then failover).
 */
export function assignPriorities(
  client: LabelledLocality,
  endpoints: readonly LabelledLocality[],
  policy: PriorityPolicy,
): number[] {
  const raw = endpoints.map((e) => {
    if (policy.failoverPriority.length === 0) return localityRank(client.locality, e.locality, policy.failover);
    const byLabels = labelRank(policy.failoverPriority, client, e);
    if (policy.failover.length === 0) return byLabels;
    return byLabels * 5 + localityRank(client.locality, e.locality, policy.failover);
  });
  return compactPriorities(raw);
}

/** Maps raw ranks to 0..N keeping their order (`[4, 0, 4, 2]` -> `[2, 0, 2, 1]`). */
export function compactPriorities(raw: readonly number[]): number[] {
  const levels = [...new Set(raw)].sort((a, b) => a - b);
  const index = new Map(levels.map((level, i) => [level, i]));
  return raw.map((r) => index.get(r) ?? 0);
}
