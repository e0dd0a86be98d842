/**
 * Stage 1 of the control plane (ingest): an immutable, indexed snapshot of the cluster objects the mesh reads.
 * Everything downstream (translation, the ADS server's per-proxy hashes) works from one snapshot, never from live
 * watch caches, so a translation is a pure function of (snapshot, proxy).
 */
import type {
  AuthorizationPolicy,
  DestinationRule,
  Endpoints,
  Gateway,
  MeshObject,
  Namespace,
  Node,
  Pod,
  Service,
  ServiceEntry,
  WorkloadEntry,
} from './inputs.js';
import { sidecarInjected } from '../api/injection.js';
import { podLocality, type Locality } from './locality.js';

/** The cluster's DNS suffix; services are `<name>.<namespace>.svc.cluster.local`. */
export const CLUSTER_DOMAIN = 'svc.cluster.local';

export { GATEWAY_ISTIO_LABELS, INJECTION_LABEL } from '../api/injection.js';

/** An immutable view of the cluster at one revision. */
export interface Snapshot {
  /** Monotonic number given by the source; only for logs and debugging. */
  readonly revision: number;
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly nodes: ReadonlyMap<string, Node>;
  /** Sorted by namespace, then name. */
  readonly services: readonly Service[];
  /** Keyed by `<namespace>/<name>` (same key as the Service). */
  readonly endpoints: ReadonlyMap<string, Endpoints>;
  /** Sorted by namespace, then name; terminating pods are left out. */
  readonly pods: readonly Pod[];
  readonly podsByIp: ReadonlyMap<string, Pod>;
  readonly podsByName: ReadonlyMap<string, Pod>;
  readonly workloadEntries: readonly WorkloadEntry[];
  /** Pods and WorkloadEntries (its `spec.labels`) by `<namespace>/<label>=<value>`, for selector lookups. */
  readonly podsByLabel: ReadonlyMap<string, readonly Pod[]>;
  readonly workloadEntriesByLabel: ReadonlyMap<string, readonly WorkloadEntry[]>;
  readonly serviceEntries: readonly ServiceEntry[];
  readonly destinationRules: readonly DestinationRule[];
  /** Istio Gateways, sorted by namespace, then name: what a gateway proxy serves (see translate/gateways.ts). */
  readonly gateways: readonly Gateway[];
  /** Sorted by namespace, then name. */
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  /**
   * The cluster's own trust domain (Istio's `meshConfig.trustDomain`): the SPIFFE IDs of local pods are
   * `spiffe://<trustDomain>/ns/<namespace>/sa/<service account>`.
   */
  readonly trustDomain: string;
}

/** Options of {@link createSnapshot}. */
export interface SnapshotOptions {
  readonly revision?: number;
  /** The cluster's trust domain; default `cluster.local`, Istio's. */
  readonly trustDomain?: string;
}

/** Istio's default trust domain. */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** `<namespace>/<name>` of an object (namespace `default` when unset, as Kubernetes does). */
export function objectKey(o: { metadata: { name?: string | undefined; namespace?: string | undefined } }): string {
  return `${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? ''}`;
}

/** The fully qualified host of a Kubernetes Service. */
export function serviceFqdn(s: Service): string {
  return `${s.metadata.name ?? ''}.${s.metadata.namespace ?? 'default'}.${CLUSTER_DOMAIN}`;
}

/** Sorts by namespace/name in place, computing each key once (the snapshot is rebuilt on every change). */
function sortByKey<T extends { metadata: { name?: string | undefined; namespace?: string | undefined } }>(
  list: T[],
): void {
  const keyed = list.map((o) => [objectKey(o), o] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  keyed.forEach(([, o], i) => (list[i] = o));
}

/** The latest objects of a snapshot, by kind (stage 1 of {@link createSnapshot}). */
interface ByKind {
  readonly namespaces: Map<string, Namespace>;
  readonly nodes: Map<string, Node>;
  readonly services: Service[];
  readonly endpoints: Map<string, Endpoints>;
  readonly pods: Pod[];
  readonly workloadEntries: WorkloadEntry[];
  readonly serviceEntries: ServiceEntry[];
  readonly destinationRules: DestinationRule[];
  readonly gateways: Gateway[];
  readonly authorizationPolicies: AuthorizationPolicy[];
}

/** Sorts objects into their kinds; terminating pods are left out. */
function groupByKind(objects: Iterable<MeshObject>): ByKind {
  const g: ByKind = {
    namespaces: new Map(),
    nodes: new Map(),
    services: [],
    endpoints: new Map(),
    pods: [],
    workloadEntries: [],
    serviceEntries: [],
    destinationRules: [],
    gateways: [],
    authorizationPolicies: [],
  };
  for (const o of objects) {
    switch (o.kind) {
      case 'Namespace':
        g.namespaces.set(o.metadata.name ?? '', o);
        break;
      case 'Node':
        g.nodes.set(o.metadata.name ?? '', o);
        break;
      case 'Service':
        g.services.push(o);
        break;
      case 'Endpoints':
        g.endpoints.set(objectKey(o), o);
        break;
      case 'Pod':
        // A terminating pod no longer receives new traffic (Kubernetes drops it from ready endpoints too).
        if (!o.metadata.deletionTimestamp) g.pods.push(o);
        break;
      case 'WorkloadEntry':
        g.workloadEntries.push(o);
        break;
      case 'ServiceEntry':
        g.serviceEntries.push(o);
        break;
      case 'DestinationRule':
        g.destinationRules.push(o);
        break;
      case 'Gateway':
        g.gateways.push(o);
        break;
      case 'AuthorizationPolicy':
        g.authorizationPolicies.push(o);
        break;
      default: {
        const never: never = o;
        throw new Error(`unhandled kind ${(never as { kind: string }).kind}`);
      }
    }
  }
  return g;
}

/**
 * Builds a snapshot from a list of objects (any order; later duplicates of the same kind/namespace/name replace
 * earlier ones). Objects are not copied: callers must not mutate them afterwards.
 */
export function createSnapshot(objects: Iterable<MeshObject>, options: SnapshotOptions = {}): Snapshot {
  const latest = new Map<string, MeshObject>();
  for (const o of objects) latest.set(`${o.kind}/${objectKey(o)}`, o);
  const g = groupByKind(latest.values());
  // Sorted by namespace/name so translation output does not depend on arrival order.
  for (const list of [
    g.services,
    g.pods,
    g.workloadEntries,
    g.serviceEntries,
    g.destinationRules,
    g.gateways,
    g.authorizationPolicies,
  ] as Array<Array<{ metadata: { namespace?: string | undefined; name?: string | undefined } }>>) {
    sortByKey(list);
  }
  const podsByIp = new Map<string, Pod>();
  const podsByName = new Map<string, Pod>();
  for (const p of g.pods) {
    podsByName.set(objectKey(p), p);
    if (p.status?.podIP) podsByIp.set(p.status.podIP, p);
  }
  return Object.freeze({
    podsByLabel: indexByLabel(g.pods, (p) => p.metadata.labels),
    workloadEntriesByLabel: indexByLabel(g.workloadEntries, (w) => w.spec?.labels),
    revision: options.revision ?? 0,
    namespaces: g.namespaces,
    nodes: g.nodes,
    services: Object.freeze(g.services),
    endpoints: g.endpoints,
    pods: Object.freeze(g.pods),
    podsByIp,
    podsByName,
    workloadEntries: Object.freeze(g.workloadEntries),
    serviceEntries: Object.freeze(g.serviceEntries),
    destinationRules: Object.freeze(g.destinationRules),
    gateways: Object.freeze(g.gateways),
    authorizationPolicies: Object.freeze(g.authorizationPolicies),
    trustDomain: options.trustDomain ?? DEFAULT_TRUST_DOMAIN,
  });
}

function indexByLabel<T extends { metadata: { namespace?: string | undefined } }>(
  items: readonly T[],
  labelsOf: (item: T) => Readonly<Record<string, string>> | undefined,
): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const item of items) {
    for (const [k, v] of Object.entries(labelsOf(item) ?? {})) {
      const key = labelKey(item.metadata.namespace ?? 'default', k, v);
      const list = index.get(key);
      if (list) list.push(item);
      else index.set(key, [item]);
    }
  }
  return index;
}

/** Key of the label indexes: `<namespace>/<label>=<value>`. */
export function labelKey(namespace: string, label: string, value: string): string {
  return `${namespace}/${label}=${value}`;
}

/**
 * The items of a label index in `namespace` that a non-empty `selector` may match (those carrying its first
 * label): a superset to filter with {@link selectorMatches}, found without scanning the namespace.
 */
export function selectorCandidates<T>(
  index: ReadonlyMap<string, readonly T[]>,
  namespace: string,
  selector: Readonly<Record<string, string>> | undefined,
): readonly T[] {
  const first = Object.entries(selector ?? {})[0];
  return first ? (index.get(labelKey(namespace, first[0], first[1])) ?? []) : [];
}

/** Whether a pod runs with a sidecar: the one injection decision of `injection.ts`, from its namespace's labels. */
export function podHasSidecar(snapshot: Snapshot, pod: Pod): boolean {
  const ns = snapshot.namespaces.get(pod.metadata.namespace ?? 'default');
  return sidecarInjected({
    podLabels: pod.metadata.labels,
    podAnnotations: pod.metadata.annotations,
    namespaceLabels: ns?.metadata.labels,
  });
}

/** A pod's locality: its `istio-locality` label, else its node's topology labels. */
export function localityOfPod(snapshot: Snapshot, pod: Pod): Locality {
  const node = pod.spec?.nodeName ? snapshot.nodes.get(pod.spec.nodeName) : undefined;
  return podLocality(pod.metadata.labels, node?.metadata.labels);
}

/** Whether a pod is Running and Ready (Ready condition true; Running alone when it reports no conditions). */
export function podIsReady(pod: Pod): boolean {
  if (pod.status?.phase !== 'Running' || !pod.status.podIP) return false;
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  return ready ? ready.status === 'True' : true;
}

/** Whether `labels` contain every key/value of a non-empty `selector`: the priority engine's candidate rule. */
export { selectorMatches } from '../priority/index.js';
