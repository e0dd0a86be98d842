/**
 * Test stand-in for what the clusters' APIs would report once the federation controller has acted: gateway
 * addresses, services with live endpoint counts, and WorkloadEntries in cluster-1 for cluster-2's services that
 * exist only while the management plane's OrganizationSetting lets cluster-1-network reach cluster-2-network.
 * (The UI's own reachability logic is not used here, so the test does not check the UI against itself.)
 */
import type { ClusterInventory } from '../../src/mgmt/ui/wire.js';

/** Directed reachability as the federation applies it: no rules = all; else listed edges and same network. */
export function reachable(settings: readonly unknown[], from: string, to: string): boolean {
  if (from === to) return true;
  const rules: Record<string, string> = {};
  for (const s of settings) {
    const map = (s as { spec?: { networkSettings?: { networkReachability?: Record<string, string> } } }).spec
      ?.networkSettings?.networkReachability;
    Object.assign(rules, map ?? {});
  }
  if (Object.keys(rules).length === 0) return true;
  return (rules[from] ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(to);
}

/** Facts the stand-in needs from the test. */
export interface FederationFacts {
  /** The management plane's OrganizationSettings (read from its real store). */
  settings: () => Promise<unknown[]>;
  gatewayAddresses: string[];
  readyEndpoints: (cluster: string, service: string) => Promise<number>;
}

const SERVICES = ['details', 'productpage', 'ratings', 'reviews'];

/** An inventory function for registerUi. */
export function federationStandIn(facts: FederationFacts): () => Promise<ClusterInventory[]> {
  return async () => {
    const settings = await facts.settings();
    const out: ClusterInventory[] = [];
    for (const name of ['cluster-1', 'cluster-2']) {
      const entries =
        name === 'cluster-1' && reachable(settings, 'cluster-1-network', 'cluster-2-network')
          ? SERVICES.flatMap((s) =>
              facts.gatewayAddresses.map((address, i) => ({
                namespace: 'bookinfo',
                name: `k-${s}-0123456789abcdef0123456789abcdef${i === 0 ? '' : `-${i + 1}`}`,
                address,
              })),
            )
          : [];
      out.push({
        name,
        gateways:
          name === 'cluster-2'
            ? [{ namespace: 'bookinfo', name: 'eastwest-gateway', addresses: facts.gatewayAddresses }]
            : [],
        services: await Promise.all(
          SERVICES.map(async (s) => ({
            namespace: 'bookinfo',
            name: s,
            readyEndpoints: await facts.readyEndpoints(name, s),
          })),
        ),
        workloadEntries: entries,
        reachable: true,
      });
    }
    return out;
  };
}
