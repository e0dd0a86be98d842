/**
 * Pure: Cluster objects from the management API + what each cluster's API reports -> the Clusters pane's rows,
 * and the same-region warning (SEMANTICS.md section 4: clusters sharing a region share a locality priority, so
 * traffic is split between them while local pods are healthy).
 */
import type { ClusterInventory, TsbObject } from './wire.js';

/** One row of the Clusters pane. */
export interface ClusterRow {
  name: string;
  region: string;
  zone: string;
  network: string;
  trustDomain: string;
  gatewayAddresses: string[];
  services: { name: string; readyEndpoints: number }[];
  workloadEntries: number;
  /** 'ok', 'unreachable' (cluster API down) or 'unknown' (no inventory). */
  health: 'ok' | 'unreachable' | 'unknown';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function field(obj: TsbObject | undefined, ...path: string[]): string {
  let cur: unknown = obj?.spec;
  for (const p of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[p] : undefined;
  return str(cur);
}

/** Merges the two sources by cluster name; the Cluster object's locality wins over the nodes'. */
export function clusterRows(objects: readonly TsbObject[], inventory: readonly ClusterInventory[]): ClusterRow[] {
  const names = new Set([...objects.map((o) => o.metadata.name), ...inventory.map((i) => i.name)]);
  const rows: ClusterRow[] = [];
  for (const name of names) {
    const obj = objects.find((o) => o.metadata.name === name);
    const inv = inventory.find((i) => i.name === name);
    rows.push({
      name,
      region: field(obj, 'locality', 'region') || inv?.region || '',
      zone: field(obj, 'locality', 'zone') || inv?.zone || '',
      network: field(obj, 'network'),
      trustDomain: field(obj, 'trustDomain'),
      gatewayAddresses: (inv?.gateways ?? []).flatMap((g) => g.addresses).sort(),
      services: (inv?.services ?? [])
        .map((s) => ({ name: `${s.name}.${s.namespace}`, readyEndpoints: s.readyEndpoints }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      workloadEntries: inv?.workloadEntries.length ?? 0,
      health: inv === undefined ? 'unknown' : inv.reachable ? 'ok' : 'unreachable',
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

/** One warning per region shared by two or more clusters. */
export function sharedRegionWarnings(rows: readonly ClusterRow[]): string[] {
  const byRegion = new Map<string, string[]>();
  for (const r of rows) {
    if (r.region === '') continue;
    byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r.name]);
  }
  const out: string[] = [];
  for (const [region, names] of [...byRegion].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (names.length < 2) continue;
    out.push(
      `${names.join(' and ')} share region ${region}: their endpoints get the same locality priority, so ` +
        'requests are split between the clusters even while local pods are healthy. Give the East-West ' +
        'gateway an istio-locality label in a region nobody uses to keep traffic local until failover.',
    );
  }
  return out;
}
