/**
 * What the clusters' own APIs say, for the UI: per kubeconfig context, the nodes' locality, East-West gateway
 * addresses (LoadBalancer services exposing 15443), services with their ready endpoint counts, and the
 * WorkloadEntries present; and the sidecar metrics URLs the collector scrapes in local clusters. Works the same
 * against embedded clusters and real ones (plain Kubernetes API through @kubernetes/client-node).
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { ClusterInventory, GatewayView, ServiceView, WorkloadEntryView } from './types.js';

/** Where the clusters are. */
export interface KubeSourceOptions {
  kubeconfigPath: string;
  /** Contexts to read (default: every context of the file); the context name is the cluster name. */
  contexts?: string[];
}

// East-West gateways expose Istio's multi-network mTLS port.
const EAST_WEST_PORT = 15443;
// WorkloadEntry versions Istio serves, newest first.
const WE_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

function clients(options: KubeSourceOptions): { name: string; core: CoreV1Api; custom: CustomObjectsApi }[] {
  const base = new KubeConfig();
  base.loadFromFile(options.kubeconfigPath);
  const names = options.contexts ?? base.getContexts().map((c) => c.name);
  return names.map((name) => {
    const kc = new KubeConfig();
    kc.loadFromFile(options.kubeconfigPath);
    kc.setCurrentContext(name);
    return { name, core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
  });
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

async function workloadEntries(custom: CustomObjectsApi): Promise<WorkloadEntryView[]> {
  for (const version of WE_VERSIONS) {
    try {
      const list = (await custom.listClusterCustomObject({
        group: 'networking.istio.io',
        version,
        plural: 'workloadentries',
      })) as { items?: { metadata?: { name?: string; namespace?: string }; spec?: { address?: string } }[] };
      return (list.items ?? []).map((i) => ({
        namespace: i.metadata?.namespace ?? '',
        name: i.metadata?.name ?? '',
        address: i.spec?.address ?? '',
      }));
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
  return [];
}

/** Reads one cluster; an unreachable API gives `reachable: false` and the error, not an exception. */
async function readCluster(c: ReturnType<typeof clients>[number]): Promise<ClusterInventory> {
  try {
    const [nodes, services, endpoints, entries] = await Promise.all([
      c.core.listNode(),
      c.core.listServiceForAllNamespaces(),
      c.core.listEndpointsForAllNamespaces(),
      workloadEntries(c.custom),
    ]);
    const labels = nodes.items[0]?.metadata?.labels ?? {};
    const ready = new Map<string, number>();
    for (const ep of endpoints.items) {
      const n = (ep.subsets ?? []).reduce((sum, s) => sum + (s.addresses?.length ?? 0), 0);
      ready.set(`${ep.metadata?.namespace}/${ep.metadata?.name}`, n);
    }
    const gateways: GatewayView[] = [];
    const views: ServiceView[] = [];
    for (const s of services.items) {
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
      name: c.name,
      ...(region ? { region } : {}),
      ...(zone ? { zone } : {}),
      gateways,
      services: views,
      workloadEntries: entries,
      reachable: true,
    };
  } catch (err) {
    return {
      name: c.name,
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
  const cs = clients(options);
  return () => Promise.all(cs.map(readCluster));
}

/**
 * A target list for `MetricsCollector`: the metrics URL of every running pod in a namespace labelled
 * `istio-injection=enabled` (those have sidecars), honouring the `prometheus.io/port` and `prometheus.io/path`
 * annotations Istio puts on injected pods, else `:15020/stats/prometheus`. Unreadable clusters are skipped.
 */
export function kubeMetricsTargets(options: KubeSourceOptions): () => Promise<string[]> {
  const cs = clients(options);
  return async () => {
    const perCluster = await Promise.all(
      cs.map(async (c) => {
        try {
          const namespaces = await c.core.listNamespace({ labelSelector: 'istio-injection=enabled' });
          const injected = new Set(namespaces.items.map((n) => n.metadata?.name));
          const pods = await c.core.listPodForAllNamespaces();
          return pods.items
            .filter((p) => injected.has(p.metadata?.namespace) && p.status?.phase === 'Running' && p.status.podIP)
            .map((p) => {
              const a = p.metadata?.annotations ?? {};
              const port = a['prometheus.io/port'] ?? '15020';
              const path = a['prometheus.io/path'] ?? '/stats/prometheus';
              return `http://${p.status!.podIP}:${port}${path}`;
            });
        } catch {
          return [];
        }
      }),
    );
    return perCluster.flat().sort();
  };
}
