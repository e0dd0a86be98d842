/**
 * An ordered list of where to fail over to (a FailoverPolicy's `failoverOrder`): after the client's own cluster,
 * the clusters or localities it names, in that order, then everything else. Entries are `cluster=NAME` (the
 * cluster a remote entry came from, its `meshbridge.io/source-cluster` label) or `locality=REGION[/ZONE[/SUBZONE]]`
 * (a prefix of the endpoint's locality). Endpoints without the label are the client cluster's own. Entries are
 * validated where they are written (src/api/failover-policy.ts); one that is neither form matches nothing. Pure.
 */
import type { Locality } from './locality.js';

/** The label the federation puts on every entry it writes for a remote copy: the cluster it came from. */
export const SOURCE_CLUSTER_LABEL = 'meshbridge.io/source-cluster';

/**
 * Where an endpoint stands in the order: 0 for the client cluster's own (no source-cluster label), i + 1 for the
 * first entry i it matches, the list's length + 1 when it matches none; with the entry matched.
 */
export function orderTier(
  order: readonly string[],
  endpoint: { readonly locality: Locality; readonly labels: Readonly<Record<string, string>> },
): { tier: number; entry?: string } {
  const source = endpoint.labels[SOURCE_CLUSTER_LABEL];
  if (source === undefined) return { tier: 0 };
  const locality = [endpoint.locality.region, endpoint.locality.zone, endpoint.locality.subzone];
  for (let i = 0; i < order.length; i++) {
    const entry = order[i] ?? '';
    const eq = entry.indexOf('=');
    const [key, value] = [entry.slice(0, eq), entry.slice(eq + 1)];
    const matches =
      key === 'cluster' ? value === source : key === 'locality' && value.split('/').every((p, j) => p === locality[j]);
    if (matches) return { tier: i + 1, entry };
  }
  return { tier: order.length + 1 };
}
