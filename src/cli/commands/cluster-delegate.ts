/**
 * Where the shared commands (`apply`, `get`, `delete`) hand over when `--cluster` is given: cluster kinds go to a
 * cluster's Kubernetes API, implemented by the cluster command modules (cluster-apply.ts, cluster-get.ts,
 * cluster-delete.ts).
 */
import { clusterApply } from './cluster-apply.js';
import { clusterDelete } from './cluster-delete.js';
import { clusterGet } from './cluster-get.js';

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

/** Applies cluster kinds to one cluster. */
export function applyToCluster(args: ClusterApplyArgs): Promise<void> {
  return clusterApply(args);
}

/** Lists or gets cluster objects. */
export function getFromCluster(args: ClusterGetArgs): Promise<void> {
  return clusterGet(args);
}

/** Deletes cluster objects. */
export function deleteFromCluster(args: ClusterDeleteArgs): Promise<void> {
  return clusterDelete(args);
}
