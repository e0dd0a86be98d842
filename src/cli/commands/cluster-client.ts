/**
 * How the cluster commands (`--cluster C get|apply|delete|label|scale|exec`) reach a cluster: the one Kubernetes
 * layer's raw REST client (`src/kube/rest.ts`) for context C of `$MESHBRIDGE_HOME/kubeconfig`, with errors worded
 * for a person who has not run `local up` yet.
 */
import type { KindInfo } from '../../api/index.js';
import { KubeError } from '../../kube/errors.js';
import { KubeRest } from '../../kube/rest.js';
import { homePaths, meshbridgeHome } from '../../local/config.js';

export { KubeError };
export { kindApiVersion, kindPath } from '../../kube/rest.js';

/** The client for a context of `$MESHBRIDGE_HOME/kubeconfig` (or of `kubeconfig` when given). */
export function clusterClient(context: string, kubeconfig = homePaths(meshbridgeHome()).kubeconfig): KubeRest {
  try {
    return KubeRest.forContext({ path: kubeconfig, context });
  } catch (err) {
    if (!(err instanceof KubeError) || err.code !== 'MB7104') throw err;
    if (/cannot read/.test(err.message))
      throw new Error(`no kubeconfig at ${kubeconfig}: run \`meshbridge local up\` first`);
    throw new Error(`no cluster "${context}" in ${kubeconfig} (${err.message})`);
  }
}

/** `deployment.apps` / `service`: how kubectl names a kind in its messages. */
export function kindLabel(kind: KindInfo): string {
  return kind.group ? `${kind.singular}.${kind.group}` : kind.singular;
}
