/**
 * Target decisions: for one (service, client cluster, candidate remote cluster) whether the remote's East-West
 * gateway(s) become failover endpoints for the client, and if not, why. Pure; `plan.ts` builds objects from the
 * positive decisions and `explain` prints all of them.
 */
import type { ClusterInventory, InventoryGateway, InventoryService } from './inventory.js';
import { gatewayLocality } from './gateway-locality.js';
import { formatLocality, type Locality } from './locality.js';
import { exposingItem, fqnOf, labelsMatch, reaches, workspaceSpans, type Reachability, byString } from './selection.js';
import type {
  EastWestGatewaySetting,
  FailoverSettings,
  FederationConfig,
  Workspace,
  WorkspaceSetting,
} from './types.js';

/** Why a remote cluster is not a failover target (stable codes; explain prints them). */
export type NotTargetReason =
  | 'service-absent'
  | 'not-in-workspace'
  | 'not-exposed'
  | 'not-reachable'
  | 'no-gateway-selected'
  | 'no-gateway-address';

/** A selected gateway with its resolved, sorted, de-duplicated addresses and the locality of its entries. */
export interface SelectedGateway {
  namespace: string;
  name: string;
  addresses: string[];
  locality: Locality;
  /** Names that did not resolve (never become entries). */
  unresolved: string[];
}

/** The decision for one (service, client, remote) triple. */
export type TargetDecision =
  | {
      target: true;
      service: string;
      namespace: string;
      client: string;
      remote: string;
      setting: string;
      /** The gateway settings item that exposes the service (its `configGenerationMetadata` applies). */
      item: EastWestGatewaySetting;
      /** The setting's `failoverSettings` (copied into the DestinationRule). */
      failover: FailoverSettings | undefined;
      remoteService: InventoryService;
      gateways: SelectedGateway[];
      message: string;
    }
  | {
      target: false;
      service: string;
      namespace: string;
      client: string;
      remote: string;
      reason: NotTargetReason;
      message: string;
    };

/** Per-cluster facts the decisions need beyond the inventory. */
export interface ClusterFacts {
  inventory: ClusterInventory;
  /** The inventory's services by `namespace/name` (lookups per decision stay O(1)). */
  services: ReadonlyMap<string, InventoryService>;
  network: string;
  /** Fallback locality for gateways without pods: the cluster's (Cluster.spec.locality, else its nodes'). */
  locality: Locality;
}

/** Inputs of `decideTarget`. */
export interface DecideInput {
  config: FederationConfig;
  /** WorkspaceSettings sorted by fqn (first wins when several apply). */
  settings: readonly { fqn: string; setting: WorkspaceSetting; workspace: Workspace | undefined }[];
  reachability: Reachability;
  client: ClusterFacts;
  remote: ClusterFacts;
  namespace: string;
  service: string;
  /** DNS name -> resolved IPs (resolution happens before planning). */
  resolved: Readonly<Record<string, readonly string[]>>;
}

/** Why a stage of {@link decideTarget} refuses. */
interface Refusal {
  readonly refused: NotTargetReason;
  readonly message: string;
}

const refuse = (refused: NotTargetReason, message: string): Refusal => ({ refused, message });

/** The workspace both clusters' namespace is in, and its settings' gateway items (or why there is none). */
type WorkspaceItems =
  | Refusal
  | {
      readonly ws: Workspace;
      readonly items: readonly { item: EastWestGatewaySetting; fqn: string; setting: WorkspaceSetting }[];
    };

/*
 * Memos of what a plan asks for again and again: a plan decides every (service, client, remote) triple, 90,000 at
 * 1,000 services x 10 clusters, while the answers below depend on a cluster pair and a namespace, or on a cluster
 * and a settings item. Keyed weakly on objects a plan builds once (its settings list, its cluster facts), so a
 * memo lives exactly as long as the plan that filled it; the other input an answer reads (the configuration, the
 * DNS resolutions) is checked too, so a caller of `decideTarget` that pairs them otherwise never gets a stale one.
 */
const workspaceMemo = new WeakMap<DecideInput['settings'], Memo<string, WorkspaceItems>>();
const gatewayMemo = new WeakMap<
  ClusterFacts,
  Memo<EastWestGatewaySetting, Refusal | { gateways: SelectedGateway[] }>
>();
const gatewayPodsMemo = new WeakMap<ClusterInventory, ReadonlySet<string>>();

/** Answers made for one plan's inputs; `with` is the other input they read (the config, the resolutions). */
interface Memo<I, V> {
  readonly with: object;
  readonly answers: Map<I, V>;
}

/** The memoised answer for (k, inner) given `also`: a caller that pairs `k` with another `also` gets new answers. */
function memo<K extends object, I, V>(outer: WeakMap<K, Memo<I, V>>, k: K, also: object, inner: I, make: () => V): V {
  let m = outer.get(k);
  if (m?.with !== also) outer.set(k, (m = { with: also, answers: new Map() }));
  let v = m.answers.get(inner);
  if (v === undefined) m.answers.set(inner, (v = make()));
  return v;
}

/** `namespace/pod` of every gateway pod of a cluster. */
function gatewayPodsOf(inventory: ClusterInventory): ReadonlySet<string> {
  let pods = gatewayPodsMemo.get(inventory);
  if (!pods) {
    pods = new Set(inventory.gateways.flatMap((g) => g.pods.map((p) => `${g.namespace}/${p.name}`)));
    gatewayPodsMemo.set(inventory, pods);
  }
  return pods;
}

/** The common workspace of the client's and the remote's namespace, with its settings' gateway items. */
function workspaceItems(input: DecideInput): WorkspaceItems {
  const { namespace } = input;
  const c1 = input.client.inventory.cluster;
  const c2 = input.remote.inventory.cluster;
  return memo(workspaceMemo, input.settings, input.config, `${c1}\n${c2}\n${namespace}`, (): WorkspaceItems => {
    const spanning = input.config.workspaces
      .filter((w) => workspaceSpans(w, c2, namespace))
      .sort((a, b) => byString(fqnOf('Workspace', a.metadata), fqnOf('Workspace', b.metadata)));
    if (spanning.length === 0) return refuse('not-in-workspace', `no workspace spans ${c2}/${namespace}`);
    const ws = spanning.find((w) => workspaceSpans(w, c1, namespace));
    if (!ws) {
      return refuse(
        'not-in-workspace',
        `workspace ${spanning[0]?.metadata.name} spans ${c2}/${namespace} but not ${c1}/${namespace}`,
      );
    }
    const wsFqn = fqnOf('Workspace', ws.metadata);
    const settings = input.settings.filter((s) => s.workspace && fqnOf('Workspace', s.workspace.metadata) === wsFqn);
    const items = settings.flatMap((s) =>
      (s.setting.spec?.defaultEastWestGatewaySettings ?? []).map((item) => ({ item, fqn: s.fqn, setting: s.setting })),
    );
    return { ws, items };
  });
}

/** The WorkspaceSetting item exposing the remote service to the client, found through their common workspace. */
function exposingSetting(
  input: DecideInput,
  remoteService: InventoryService,
): Refusal | { item: EastWestGatewaySetting; chosen: { fqn: string; setting: WorkspaceSetting } | undefined } {
  const { namespace, service } = input;
  const c2 = input.remote.inventory.cluster;
  const found = workspaceItems(input);
  if ('refused' in found) return found;
  const { ws, items } = found;
  if (items.length === 0) {
    return refuse(
      'not-exposed',
      `workspace ${ws.metadata.name} has no WorkspaceSetting with East-West gateway settings`,
    );
  }
  const exposed = exposingItem(
    items.map((i) => i.item),
    remoteService.labels,
  );
  if (!exposed) {
    return refuse(
      'not-exposed',
      `${namespace}/${service} in ${c2} matches no exposedServices.serviceLabels of workspace ${ws.metadata.name}`,
    );
  }
  return { item: exposed.item, chosen: items[exposed.index] };
}

/**
 * The remote's East-West gateways the item's workloadSelector selects, with their usable addresses. One answer per
 * (remote, item) in a plan: the decisions that share it share its (read-only) gateway list.
 */
function usableGateways(input: DecideInput, item: EastWestGatewaySetting): Refusal | { gateways: SelectedGateway[] } {
  return memo(gatewayMemo, input.remote, input.resolved, item, () => selectGateways(input, item));
}

function selectGateways(input: DecideInput, item: EastWestGatewaySetting): Refusal | { gateways: SelectedGateway[] } {
  const { remote } = input;
  const c2 = remote.inventory.cluster;
  const selector = item.workloadSelector ?? {};
  const matching = remote.inventory.gateways.filter(
    (g) =>
      (selector.namespace === undefined || g.namespace === selector.namespace) &&
      labelsMatch(selector.labels, g.labels),
  );
  const selected = matching.filter((g) => g.eastWestOnly);
  if (selected.length === 0) {
    const sel = `${selector.namespace ?? '*'}/${JSON.stringify(selector.labels ?? {})}`;
    const extra = matching.length > 0 ? ` (${matching.map(gwName).join(', ')} not eastWestOnly)` : '';
    return refuse('no-gateway-selected', `no East-West gateway in ${c2} matches workloadSelector ${sel}${extra}`);
  }
  const gateways = selected.map((g) => selectGateway(g, remote.locality, input.resolved));
  const usable = gateways.filter((g) => g.addresses.length > 0);
  if (usable.length === 0) {
    const why = gateways
      .map((g) =>
        g.unresolved.length > 0
          ? `${g.namespace}/${g.name}: DNS name ${g.unresolved.join(', ')} did not resolve`
          : `${g.namespace}/${g.name}: load balancer has no address yet`,
      )
      .join('; ');
    return refuse('no-gateway-address', `no usable address for the East-West gateway in ${c2} (${why})`);
  }
  return { gateways: usable };
}

/**
 * Decides whether `remote` is a failover target for `service` as seen from `client`. Pure. In order: the remote
 * has the service and it selects no gateway pod; a workspace spans both and a WorkspaceSetting item exposes it;
 * the client's network reaches the remote's; an East-West gateway is selected and has an address.
 */
export function decideTarget(input: DecideInput): TargetDecision {
  const { client, remote, namespace, service } = input;
  const c1 = client.inventory.cluster;
  const c2 = remote.inventory.cluster;
  const remoteService = remote.services.get(`${namespace}/${service}`);
  // Most decisions of a large mesh end here (a service runs in few of the clusters): built without the helpers below.
  if (!remoteService) {
    const message = `${c2} has no service ${namespace}/${service}`;
    return { target: false, service, namespace, client: c1, remote: c2, reason: 'service-absent', message };
  }
  const base = { service, namespace, client: c1, remote: c2 };
  const no = (reason: NotTargetReason, message: string): TargetDecision => ({
    target: false,
    ...base,
    reason,
    message,
  });
  // A Service selecting a gateway's own pods is never exported (the gateway would dial itself); see exposure.ts.
  const gatewayPods = gatewayPodsOf(remote.inventory);
  if (remoteService.workloads.some((w) => gatewayPods.has(`${namespace}/${w.pod}`))) {
    return no('not-exposed', `${namespace}/${service} in ${c2} selects East-West gateway pods: never exported`);
  }

  const exposed = exposingSetting(input, remoteService);
  if ('refused' in exposed) return no(exposed.refused, exposed.message);

  if (!reaches(input.reachability, client.network, remote.network)) {
    return no(
      'not-reachable',
      `network ${client.network} (${c1}) may not reach network ${remote.network} (${c2}): no networkReachability rule allows it`,
    );
  }

  const found = usableGateways(input, exposed.item);
  if ('refused' in found) return no(found.refused, found.message);
  const usable = found.gateways;
  const addrs = usable.reduce((n, g) => n + g.addresses.length, 0);
  return {
    target: true,
    ...base,
    setting: exposed.chosen?.fqn ?? '',
    item: exposed.item,
    failover: exposed.chosen?.setting.spec?.failoverSettings,
    remoteService,
    gateways: usable,
    message: `${c2} is a failover target through ${usable.map((g) => `${g.namespace}/${g.name}`).join(', ')} (${addrs} address${addrs === 1 ? '' : 'es'}, locality ${usable.map((g) => formatLocality(g.locality) || '(none)').join(', ')})`,
  };
}

const gwName = (g: InventoryGateway): string => `${g.namespace}/${g.name}`;

/** Resolves a gateway's addresses (IPs kept, DNS names replaced by their resolution) and its entries' locality. */
export function selectGateway(
  g: InventoryGateway,
  fallback: Locality,
  resolved: Readonly<Record<string, readonly string[]>>,
): SelectedGateway {
  const ips = new Set<string>();
  const unresolved: string[] = [];
  for (const a of g.addresses) {
    if (a.type === 'ip') ips.add(a.value);
    else {
      const r = resolved[a.value] ?? [];
      if (r.length === 0) unresolved.push(a.value);
      for (const ip of r) ips.add(ip);
    }
  }
  return {
    namespace: g.namespace,
    name: g.name,
    // Sorted as strings: entry names (-2, -3) follow this order, as in the seed's listing.
    addresses: [...ips].sort(),
    // Ready pods only (gateway-locality.ts): a new pod in a crash loop never moves the entries.
    locality: gatewayLocality(g.pods, fallback).locality,
    unresolved,
  };
}
