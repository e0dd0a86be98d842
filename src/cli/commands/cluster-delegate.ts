/**
 * Where the shared commands (`apply`, `get`, `delete`) hand over when `--cluster` is given: cluster kinds go to that
 * cluster's Kubernetes API (cluster-apply.ts, cluster-get.ts, cluster-delete.ts); without it, TSB kinds go to the
 * management plane.
 */

/** Arguments of `meshbridge --cluster C apply -f FILE... [-n NS]`. */
export interface ClusterApplyArgs {
  cluster: string;
  files: string[];
  namespace?: string;
}

/** Arguments of `meshbridge --cluster C get KIND [NAME] [-n NS] [-o FORMAT]`. */
export interface ClusterGetArgs {
  cluster: string;
  kind: string;
  name?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  output?: string;
}

/** Arguments of `meshbridge --cluster C delete -f FILE | delete KIND NAME [-n NS]`. */
export interface ClusterDeleteArgs {
  cluster: string;
  files: string[];
  kind?: string;
  name?: string;
  namespace?: string;
  ignoreNotFound?: boolean;
}

export { clusterApply as applyToCluster } from './cluster-apply.js';
export { clusterGet as getFromCluster } from './cluster-get.js';
export { clusterDelete as deleteFromCluster } from './cluster-delete.js';
