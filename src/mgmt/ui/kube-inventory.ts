/**
 * What the clusters' own APIs say, for the UI: per kubeconfig context, the nodes' locality, East-West gateway
 * addresses (LoadBalancer services exposing 15443), services with their ready endpoint counts, and the
 * WorkloadEntries present; and the sidecar metrics URLs the collector scrapes in local clusters. Works the same
 * against embedded clusters and real ones (plain Kubernetes API through @kubernetes/client-node).
 */
import { createClusterClient, kubeconfigContexts, loadKubeConfig } from '../../kube/client.js';
import type { ClusterClient, KObject } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import type { ClusterInventory, GatewayView, ServiceView, WorkloadEntryView } from './wire.js';

/** Where the clusters are. */
export interface KubeSourceOptions {
  kubeconfigPath: string;
  /** Contexts to read (default: every context of the file); the context name is the cluster name. */
  contexts?: string[];
}

// Where a sidecar serves its Prometheus metrics (Istio's merged-metrics port and path).
const SIDECAR_METRICS = '15020/stats/prometheus';
// East-West gateways expose Istio's multi-network mTLS port.
const EAST_WEST_PORT = 15443;

/** One cluster's API: its name (the cluster's, which is the context name for local clusters) and where it is. */
export interface KubeClusterRef {
  name: string;
  kubeconfigPath: string;
  /** Context to use (default: the file's current context). */
  context?: string;
}

// Clients are cheap to keep and costly to rebuild (the kubeconfig is parsed each time); key by file and context.
const cache = new Map<string, ClusterClient>();

function clientFor(ref: KubeClusterRef): ClusterClient {
  const key = `${ref.kubeconfigPath}\u0000${ref.context ?? ''}\u0000${ref.name}`;
  let c = cache.get(key);
  if (c === undefined) {
    const kubeConfig = loadKubeConfig({ path: ref.kubeconfigPath, context: ref.context });
    c = createClusterClient({ name: ref.name, kubeConfig });
    cache.set(key, c);
  }
  return c;
}

/** Every context of a kubeconfig as a cluster of the same name (or only `contexts`). */
export function clustersOfKubeconfig(options: KubeSourceOptions): KubeClusterRef[] {
  const names = options.contexts ?? kubeconfigContexts(options.kubeconfigPath);
  return names.map((name) => ({ name, kubeconfigPath: options.kubeconfigPath, context: name }));
}

// The fields of the listed objects this view reads.
interface Obj extends KObject {
  metadata?: KObject['metadata'];
  spec?: {
    type?: string;
    ports?: { port?: number }[];
    address?: string;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] }; phase?: string; podIP?: string };
  subsets?: { addresses?: unknown[] }[];
}

/** Reads one cluster; an unreachable API gives `reachable: false` and the error, not an exception. */
export async function readClusterInventory(ref: KubeClusterRef): Promise<ClusterInventory> {
  try {
    const c = clientFor(ref);
    // A cluster without Istio's CRDs has no WorkloadEntries (404), which is not a failure to read it.
    const entriesOrNone = c.list('WorkloadEntry').catch((err: unknown) => {
      if (err instanceof KubeError && err.code === 'MB7102') return [];
      throw err;
    });
    const [nodes, services, endpoints, weList] = (await Promise.all([
      c.list('Node'),
      c.list('Service'),
      c.list('Endpoints'),
      entriesOrNone,
    ])) as [Obj[], Obj[], Obj[], Obj[]];
    const entries: WorkloadEntryView[] = weList.map((i) => ({
      namespace: i.metadata?.namespace ?? '',
      name: i.metadata?.name ?? '',
      address: i.spec?.address ?? '',
    }));
    const labels = nodes[0]?.metadata?.labels ?? {};
    const ready = new Map<string, number>();
    for (const ep of endpoints) {
      const n = (ep.subsets ?? []).reduce((sum, s) => sum + (s.addresses?.length ?? 0), 0);
      ready.set(`${ep.metadata?.namespace}/${ep.metadata?.name}`, n);
    }
    const gateways: GatewayView[] = [];
    const views: ServiceView[] = [];
    for (const s of services) {
      const namespace = s.metadata?.namespace ?? '';
      const name = s.metadata?.name ?? '';
      if (namespace === 'default' && name === 'kubernetes') continue;
      const isGateway = s.spec?.type === 'LoadBalancer' && (s.spec.ports ?? []).some((p) => p.port === EAST_WEST_PORT);
      if (isGateway) {
        const addresses = (s.status?.loadBalancer?.ingress ?? [])
          .map((i) => i.ip ?? i.hostname ?? '')
          .filter((a) => a !== '');
        gateways.push({ namespace, name, addresses: addresses.sort() });
      } else {
        views.push({ namespace, name, readyEndpoints: ready.get(`${namespace}/${name}`) ?? 0 });
      }
    }
    const region = labels['topology.kubernetes.io/region'];
    const zone = labels['topology.kubernetes.io/zone'];
    return {
      name: ref.name,
      ...(region ? { region } : {}),
      ...(zone ? { zone } : {}),
      gateways,
      services: views,
      workloadEntries: entries,
      reachable: true,
    };
  } catch (err) {
    return {
      name: ref.name,
      gateways: [],
      services: [],
      workloadEntries: [],
      reachable: false,
      error: (err as Error).message,
    };
  }
}

/** An inventory function for `registerUi`: reads every cluster concurrently on each call. */
export function kubeInventory(options: KubeSourceOptions): () => Promise<ClusterInventory[]> {
  const refs = clustersOfKubeconfig(options);
  return () => Promise.all(refs.map(readClusterInventory));
}

/**
 * The sidecar metrics URL (`http://<podIP>:15020/stats/prometheus`) of every running pod in a namespace labelled
 * `istio-injection=enabled` (those have sidecars). The pods' own `prometheus.io/*` annotations are not used: they
 * describe the application's metrics (upstream productpage points them at its :9080/metrics), which Istio's
 * injector rewrites to the sidecar's merged endpoint. An unreadable cluster gives no targets.
 */
export async function podMetricsTargets(ref: KubeClusterRef): Promise<string[]> {
  try {
    const c = clientFor(ref);
    const namespaces = await c.list('Namespace', { labelSelector: 'istio-injection=enabled' });
    const injected = new Set(namespaces.map((n) => n.metadata?.name));
    const pods = (await c.list('Pod')) as Obj[];
    return pods
      .filter((p) => injected.has(p.metadata?.namespace) && p.status?.phase === 'Running' && p.status.podIP)
      .map((p) => `http://${p.status!.podIP}:${SIDECAR_METRICS}`);
  } catch {
    return [];
  }
}

/** A target list for `MetricsCollector` over every context of a kubeconfig. */
export function kubeMetricsTargets(options: KubeSourceOptions): () => Promise<string[]> {
  const refs = clustersOfKubeconfig(options);
  return async () => (await Promise.all(refs.map(podMetricsTargets))).flat().sort();
}
