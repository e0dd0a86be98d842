/**
 * What each East-West gateway exports: for every gateway of a cluster, the FQDNs of the services the
 * WorkspaceSettings expose through it (SEMANTICS.md section 6). Pure; `plan.ts` turns the result into one Istio
 * `Gateway` per gateway, and the gateway's listener is built from that object alone, so anything not listed here
 * is unreachable through the gateway.
 */
import type { ClusterInventory, InventoryGateway } from './inventory.js';
import { byString, exposingItem, fqnOf, labelsMatch, workspaceSpans } from './selection.js';
import type { Workspace, WorkspaceSetting } from './types.js';

/** The services one gateway exports, and the settings that export them. */
export interface GatewayExposure {
  gateway: InventoryGateway;
  /** Exported FQDNs (`<service>.<namespace>.svc.cluster.local`), sorted, never empty, never a wildcard. */
  hosts: string[];
  /** Fqns of the WorkspaceSettings that export at least one host, sorted. */
  settings: string[];
}

/** Inputs of {@link exposureOf}. */
export interface ExposureInput {
  inventory: ClusterInventory;
  workspaces: readonly Workspace[];
  /** WorkspaceSettings sorted by fqn, with the workspace each belongs to. */
  settings: readonly { fqn: string; setting: WorkspaceSetting; workspace: Workspace | undefined }[];
}

/**
 * The exposure of every East-West gateway of one cluster, sorted by gateway namespace/name; gateways that export
 * nothing are left out. A service is exported through gateway G when a workspace spans its `cluster/namespace` and
 * the first gateway settings item of that workspace exposing it (SEMANTICS.md section 1: first match wins) selects
 * G. Never exported: a gateway's own Service, a Service selecting a gateway's pods (either would make a gateway dial
 * itself), a service of a namespace no workspace spans.
 */
export function exposureOf(input: ExposureInput): GatewayExposure[] {
  const { inventory } = input;
  const gateways = inventory.gateways.filter((g) => g.eastWestOnly);
  if (gateways.length === 0) return [];
  const gatewayPods = new Set(inventory.gateways.flatMap((g) => g.pods.map((p) => `${g.namespace}/${p.name}`)));
  const byGateway = new Map<InventoryGateway, { hosts: Set<string>; settings: Set<string> }>();
  const workspaces = [...input.workspaces].sort((a, b) =>
    byString(fqnOf('Workspace', a.metadata), fqnOf('Workspace', b.metadata)),
  );
  for (const svc of inventory.services) {
    if (svc.gateway) continue;
    if (svc.workloads.some((w) => gatewayPods.has(`${svc.namespace}/${w.pod}`))) continue;
    const host = `${svc.name}.${svc.namespace}.svc.cluster.local`;
    for (const ws of workspaces) {
      if (!workspaceSpans(ws, inventory.cluster, svc.namespace)) continue;
      const wsFqn = fqnOf('Workspace', ws.metadata);
      const items = input.settings
        .filter((s) => s.workspace && fqnOf('Workspace', s.workspace.metadata) === wsFqn)
        .flatMap((s) => (s.setting.spec?.defaultEastWestGatewaySettings ?? []).map((item) => ({ item, fqn: s.fqn })));
      const exposed = exposingItem(
        items.map((i) => i.item),
        svc.labels,
      );
      if (!exposed) continue;
      const selector = exposed.item.workloadSelector ?? {};
      for (const g of gateways) {
        if (selector.namespace !== undefined && g.namespace !== selector.namespace) continue;
        if (!labelsMatch(selector.labels, g.labels)) continue;
        let entry = byGateway.get(g);
        if (!entry) byGateway.set(g, (entry = { hosts: new Set(), settings: new Set() }));
        entry.hosts.add(host);
        entry.settings.add(items[exposed.index]?.fqn ?? '');
      }
    }
  }
  return [...byGateway]
    .map(([gateway, e]) => ({
      gateway,
      hosts: [...e.hosts].sort(byString),
      settings: [...e.settings].filter(Boolean).sort(byString),
    }))
    .sort((a, b) => byString(`${a.gateway.namespace}/${a.gateway.name}`, `${b.gateway.namespace}/${b.gateway.name}`));
}
