/**
 * GitOps on local clusters: with `MESHBRIDGE_GITOPS=CLUSTER/NAMESPACE` in the environment of `local up`, the local
 * management plane keeps its objects in sync with custom resources in that local cluster, which then plays the
 * management cluster of a production install (docs/production.md, "GitOps"): the CRDs `meshbridge install`
 * prints are applied there and `kubectl apply` of CRs configures the mesh.
 */
import { gitOpsCrds } from '../install/index.js';
import { createClusterClient, loadKubeConfig, type ClusterClient } from '../kube/client.js';
import type { GitOpsTarget } from './config.js';

/** The client of the target cluster (through the home's kubeconfig). */
export function gitopsClient(kubeconfig: string, target: GitOpsTarget): ClusterClient {
  return createClusterClient({
    name: target.cluster,
    kubeConfig: loadKubeConfig({ path: kubeconfig, context: target.cluster }),
  });
}

/**
 * Applies the CRDs and the namespace if missing, retrying while the cluster's API starts (up to a minute). The sync
 * lists nothing until they exist; its passes retry on their own.
 */
export async function installGitOpsCrds(
  client: ClusterClient,
  namespace: string,
  log: (line: string) => void,
): Promise<void> {
  const wanted = [
    ...gitOpsCrds(),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  ] as unknown as Parameters<ClusterClient['create']>[0][];
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      for (const object of wanted) {
        const ref = {
          apiVersion: String(object.apiVersion),
          kind: String(object.kind),
          name: String(object.metadata?.name),
        };
        if (!(await client.get(ref))) await client.create(object);
      }
      log(`gitops: the management-plane CRDs and namespace ${namespace} are in ${client.name}`);
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        log(`gitops: cannot install the CRDs in ${client.name}: ${(err as Error).message}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
