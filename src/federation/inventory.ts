/**
 * Per-cluster inventory: what the plan needs to know about one cluster, distilled from its Kubernetes objects.
 * `buildInventory` is pure (raw objects in, inventory out) so the same code serves informer caches, fixtures and
 * tests.
 */
import { sidecarInjected } from '../api/injection.js';
import { healthyCondition } from '../api/index.js';
import { byString } from './selection.js';
import { EXTERNAL_ADDRESSES_ANNOTATION } from './types.js';
import { localityOfPod, type Locality } from './locality.js';

/** A service port as the plan needs it. */
export interface InventoryPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

/** A workload (pod) backing a service. */
export interface InventoryWorkload {
  pod: string;
  ip?: string;
  ready: boolean;
  locality: Locality;
  /** The pod's labels (`failoverPriority` compares them with the client's). */
  labels: Record<string, string>;
  /** Whether the pod runs a sidecar (api/injection.ts decides; its endpoint then speaks mTLS). */
  sidecar: boolean;
  /** The pod's `spec.serviceAccountName`, when set (Kubernetes' default is `default`). */
  serviceAccount?: string;
}

/** A Service of the cluster. */
export interface InventoryService {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  ports: InventoryPort[];
  /** Pods selected by the service (any readiness); empty when the service has no workloads. */
  workloads: InventoryWorkload[];
  /** Whether this is an IngressGateway's own Service (never exported through a gateway). */
  gateway: boolean;
}

/** One advertised address of a gateway: an IP, or a DNS name still to resolve. */
export type GatewayAddress = { type: 'ip'; value: string } | { type: 'dns'; value: string };

/** Where a gateway's advertised addresses come from. */
export type AddressSource = 'annotation' | 'load-balancer' | 'none';

/** A gateway pod (its labels decide whether a WorkspaceSetting selects it; its locality that of the entries). */
export interface InventoryGatewayPod {
  name: string;
  labels: Record<string, string>;
  locality: Locality;
  /** Running and Ready: only ready pods say where the gateway runs (gateway-locality.ts). */
  ready: boolean;
  created?: string;
}

/** An East-West gateway (an `IngressGateway` with `eastWestOnly`) with its pods and load-balancer addresses. */
export interface InventoryGateway {
  name: string;
  namespace: string;
  eastWestOnly: boolean;
  /** Labels the gateway's pods carry (from its newest pod when there is one, else the installer's `app: <name>`). */
  labels: Record<string, string>;
  /** Ready ones first, each group newest first (the entries' locality comes from ready pods: gateway-locality.ts). */
  pods: InventoryGatewayPod[];
  /** Advertised addresses, in their source order; empty until the load balancer has addresses. */
  addresses: GatewayAddress[];
  addressSource: AddressSource;
}

/** Everything the plan knows about one cluster. */
export interface ClusterInventory {
  cluster: string;
  /** Network from the cluster itself (node label `topology.istio.io/network`), if any; Cluster.spec.network wins. */
  network?: string;
  /** The cluster's default locality (from its nodes). */
  locality: Locality;
  namespaces: { name: string; labels: Record<string, string> }[];
  services: InventoryService[];
  gateways: InventoryGateway[];
  /**
   * The remote-service prober's verdict on the WorkloadEntries the federation wrote here (Istio's `Healthy`
   * condition on their status), by `namespace/name`; entries without one are absent.
   */
  entryHealth?: Record<string, EntryHealth>;
}

/** A WorkloadEntry's `Healthy` condition, as explain shows it. */
export interface EntryHealth {
  healthy: boolean;
  /** `ProbeSucceeded`, `GatewayUnreachable`, `RemoteServiceUnavailable` or `RemoteApplicationDown`. */
  reason: string;
  message: string;
  since?: string;
}

// ---- raw object shapes (structural subsets of the Kubernetes kinds) ----

interface Meta {
  name?: string;
  deletionTimestamp?: string;
  creationTimestamp?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
/** Kubernetes `Namespace` subset. */
export interface RawNamespace {
  metadata?: Meta;
}
/** Kubernetes `Node` subset. */
export interface RawNode {
  metadata?: Meta;
}
/** Kubernetes `Pod` subset. */
export interface RawPod {
  metadata?: Meta;
  spec?: { nodeName?: string; serviceAccountName?: string };
  status?: { podIP?: string; phase?: string; conditions?: { type?: string; status?: string }[] };
}
/** Kubernetes `Service` subset. */
export interface RawService {
  metadata?: Meta;
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}
/** `install.tetrate.io/v1alpha1 IngressGateway` subset. */
export interface RawIngressGateway {
  metadata?: Meta;
  spec?: { eastWestOnly?: boolean; kubeSpec?: { service?: { annotations?: Record<string, string> } } };
}

/** Istio `WorkloadEntry` subset: its status conditions. */
export interface RawWorkloadEntry {
  metadata?: Meta;
  status?: {
    conditions?: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  };
}

/** The raw objects of one cluster. */
export interface RawClusterObjects {
  namespaces: RawNamespace[];
  nodes: RawNode[];
  pods: RawPod[];
  services: RawService[];
  ingressGateways: RawIngressGateway[];
  /** Optional: WorkloadEntries, for their probe verdicts. */
  workloadEntries?: RawWorkloadEntry[];
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
const isIp = (s: string): boolean => IPV4.test(s) || s.includes(':');

/** Parses the `xcp.tetrate.io/cluster-external-addresses` value: IPs (comma-separated) or one DNS name. */
export function parseExternalAddresses(value: string): GatewayAddress[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s): GatewayAddress => (isIp(s) ? { type: 'ip', value: s } : { type: 'dns', value: s }));
}

const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function podReady(pod: RawPod): boolean {
  if (pod.status?.phase !== 'Running') return false;
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  return ready === undefined ? true : ready.status === 'True';
}

/** Options of `buildInventory`. */
export interface BuildInventoryOptions {
  cluster: string;
  objects: RawClusterObjects;
}

/**
 * Distils a cluster's raw objects into its inventory. Pure. Services without a selector have no workloads; a gateway
 * is an IngressGateway with `eastWestOnly: true` (others are listed too, flagged, so explain can say so); its
 * Service is the one of the same name and namespace; the annotation (on the Service, else in the IngressGateway's
 * `kubeSpec.service.annotations`) overrides the load balancer's addresses.
 */
export function buildInventory(options: BuildInventoryOptions): ClusterInventory {
  const { cluster, objects } = options;
  const nodes = new Map(objects.nodes.map((n) => [n.metadata?.name ?? '', n]));
  const namespaceLabels = new Map(objects.namespaces.map((n) => [n.metadata?.name ?? '', n.metadata?.labels]));
  const hasSidecar = (pod: RawPod, namespace: string): boolean =>
    sidecarInjected({
      podLabels: pod.metadata?.labels,
      podAnnotations: pod.metadata?.annotations,
      namespaceLabels: namespaceLabels.get(namespace),
    });
  const firstNode = [...objects.nodes].sort(byName)[0];
  const clusterLocality = localityOfPod({ labels: {}, nodeLabels: firstNode?.metadata?.labels ?? {} });
  const network = objects.nodes.map((n) => n.metadata?.labels?.['topology.istio.io/network']).find(Boolean);
  const podLocality = (pod: RawPod): Locality =>
    localityOfPod({
      labels: pod.metadata?.labels ?? {},
      nodeLabels: nodes.get(pod.spec?.nodeName ?? '')?.metadata?.labels ?? firstNode?.metadata?.labels ?? {},
    });
  // Finished and terminating pods neither serve nor say where a gateway runs (a rollout replaces them).
  const livePods = objects.pods.filter(
    (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp,
  );
  const pods: PodFacts = { livePods, podLocality, hasSidecar };
  return {
    cluster,
    ...(network ? { network } : {}),
    locality: clusterLocality,
    namespaces: objects.namespaces
      .map((n) => ({ name: n.metadata?.name ?? '', labels: { ...(n.metadata?.labels ?? {}) } }))
      .sort((a, b) => byString(a.name, b.name)),
    services: inventoryServices(objects, pods),
    gateways: inventoryGateways(objects, pods),
    ...entryHealthOf(objects.workloadEntries ?? []),
  };
}

/** The `Healthy` conditions of WorkloadEntries (the remote-service prober's), by `namespace/name`. */
function entryHealthOf(entries: readonly RawWorkloadEntry[]): { entryHealth?: Record<string, EntryHealth> } {
  const out: Record<string, EntryHealth> = {};
  for (const we of entries) {
    const c = healthyCondition(we.status);
    if (!c || !we.metadata?.name) continue;
    out[`${we.metadata.namespace ?? 'default'}/${we.metadata.name}`] = {
      healthy: c.status !== 'False',
      reason: c.reason ?? '',
      message: c.message ?? '',
      ...(c.lastTransitionTime ? { since: c.lastTransitionTime } : {}),
    };
  }
  return Object.keys(out).length > 0 ? { entryHealth: out } : {};
}

/** What the inventory knows of a cluster's pods, shared by its services and gateways. */
interface PodFacts {
  /** Pods neither finished nor terminating. */
  readonly livePods: readonly RawPod[];
  readonly podLocality: (pod: RawPod) => Locality;
  readonly hasSidecar: (pod: RawPod, namespace: string) => boolean;
}

/** The cluster's Services with the workloads (live pods) they select, sorted by namespace/name. */
function inventoryServices(objects: RawClusterObjects, facts: PodFacts): InventoryService[] {
  const { livePods, podLocality, hasSidecar } = facts;
  return objects.services
    .filter((s) => s.metadata?.name && s.metadata.namespace)
    .map((s) => {
      const namespace = s.metadata?.namespace ?? '';
      const selector = s.spec?.selector ?? {};
      const hasSelector = Object.keys(selector).length > 0;
      const workloads = hasSelector
        ? livePods
            .filter((p) => p.metadata?.namespace === namespace && selects(selector, p.metadata?.labels))
            .sort(byName)
            .map((p) => ({
              pod: p.metadata?.name ?? '',
              ip: p.status?.podIP,
              ready: podReady(p),
              locality: podLocality(p),
              labels: { ...(p.metadata?.labels ?? {}) },
              sidecar: hasSidecar(p, namespace),
              ...(p.spec?.serviceAccountName ? { serviceAccount: p.spec.serviceAccountName } : {}),
            }))
        : [];
      return {
        name: s.metadata?.name ?? '',
        namespace,
        labels: { ...(s.metadata?.labels ?? {}) },
        selector: { ...selector },
        ports: (s.spec?.ports ?? []).map((p) => ({
          name: p.name,
          port: p.port ?? 0,
          protocol: p.protocol,
          appProtocol: p.appProtocol,
        })),
        workloads,
        gateway: objects.ingressGateways.some(
          (g) => g.metadata?.name === s.metadata?.name && g.metadata?.namespace === namespace,
        ),
      };
    })
    .sort((a, b) => byString(key(a), key(b)));
}

/** The cluster's IngressGateways with their pods (ready first, then newest) and addresses, sorted by namespace/name. */
function inventoryGateways(objects: RawClusterObjects, facts: PodFacts): InventoryGateway[] {
  const { livePods, podLocality } = facts;
  return objects.ingressGateways
    .filter((g) => g.metadata?.name && g.metadata.namespace)
    .map((g) => {
      const name = g.metadata?.name ?? '';
      const namespace = g.metadata?.namespace ?? '';
      const defaultLabels = { app: name };
      const pods = livePods
        .filter((p) => p.metadata?.namespace === namespace && selects(defaultLabels, p.metadata?.labels))
        // Ready first, then newest: during a rollout (e.g. a new istio-locality overlay) the new pods say where it
        // runs once they serve; a pod that never became ready says nothing.
        .sort(
          (a, b) =>
            Number(podReady(b)) - Number(podReady(a)) ||
            byString(b.metadata?.creationTimestamp ?? '', a.metadata?.creationTimestamp ?? '') ||
            byName(a, b),
        )
        .map((p) => ({
          name: p.metadata?.name ?? '',
          labels: { ...(p.metadata?.labels ?? {}) },
          locality: podLocality(p),
          ready: podReady(p),
          ...(p.metadata?.creationTimestamp ? { created: p.metadata.creationTimestamp } : {}),
        }));
      const svc = objects.services.find((s) => s.metadata?.name === name && s.metadata.namespace === namespace);
      const { addresses, addressSource } = gatewayAddressesOf(g, svc);
      return {
        name,
        namespace,
        eastWestOnly: g.spec?.eastWestOnly === true,
        labels: pods[0]?.labels ?? defaultLabels,
        pods,
        addresses,
        addressSource,
      };
    })
    .sort((a, b) => byString(key(a), key(b)));
}

/**
 * A gateway's addresses: the annotation (on its Service, else in the IngressGateway's
 * `kubeSpec.service.annotations`) when set, else its Service's load-balancer ingress (IPs and DNS names).
 */
function gatewayAddressesOf(
  g: RawClusterObjects['ingressGateways'][number],
  svc: RawClusterObjects['services'][number] | undefined,
): { addresses: GatewayAddress[]; addressSource: AddressSource } {
  const annotation =
    svc?.metadata?.annotations?.[EXTERNAL_ADDRESSES_ANNOTATION] ??
    g.spec?.kubeSpec?.service?.annotations?.[EXTERNAL_ADDRESSES_ANNOTATION];
  if (annotation !== undefined && annotation.trim() !== '') {
    return { addresses: parseExternalAddresses(annotation), addressSource: 'annotation' };
  }
  const addresses: GatewayAddress[] = [];
  for (const ing of svc?.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) addresses.push({ type: 'ip', value: ing.ip });
    else if (ing.hostname) addresses.push({ type: 'dns', value: ing.hostname });
  }
  return { addresses, addressSource: addresses.length > 0 ? 'load-balancer' : 'none' };
}

const byName = (a: { metadata?: Meta }, b: { metadata?: Meta }): number =>
  byString(a.metadata?.name ?? '', b.metadata?.name ?? '');
const key = (o: { namespace: string; name: string }): string => `${o.namespace}/${o.name}`;
