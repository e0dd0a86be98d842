/**
 * How the controller and `explain` reach a registered cluster: its `spec.kubeconfig` (path + context), else a
 * default kubeconfig with the cluster's name as the context (what `local up` writes).
 */
import { createClusterClient, loadKubeConfig, type ClusterClient } from '../kube/client.js';
import { buildInventory, type ClusterInventory, type RawClusterObjects } from './inventory.js';
import type { Cluster } from './types.js';

/** Returns a connector for `FederationController` using each Cluster's kubeconfig or `defaultKubeconfig`. */
export function kubeconfigConnector(defaultKubeconfig?: string): (cluster: Cluster) => ClusterClient {
  return (cluster) => {
    const path = cluster.spec?.kubeconfig?.path ?? defaultKubeconfig;
    if (!path)
      throw new Error(`cluster ${cluster.metadata.name} has no spec.kubeconfig and no default kubeconfig was given`);
    const context = cluster.spec?.kubeconfig?.context ?? cluster.metadata.name;
    return createClusterClient({ name: cluster.metadata.name, kubeConfig: loadKubeConfig({ path, context }) });
  };
}

/** Lists a cluster's inventory kinds once (no watch) and builds its inventory. */
export async function readInventory(client: ClusterClient): Promise<ClusterInventory> {
  const [namespaces, nodes, pods, services, ingressGateways, workloadEntries] = await Promise.all(
    ['Namespace', 'Node', 'Pod', 'Service', 'IngressGateway', 'WorkloadEntry'].map((k) => client.list(k)),
  );
  const objects: RawClusterObjects = {
    namespaces: namespaces ?? [],
    nodes: nodes ?? [],
    pods: pods ?? [],
    services: services ?? [],
    ingressGateways: ingressGateways ?? [],
    workloadEntries: workloadEntries ?? [],
  };
  return buildInventory({ cluster: client.name, objects });
}
