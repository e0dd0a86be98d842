/**
 * Where the shared commands (`apply`, `get`, `delete`) hand over when `--cluster` is given: cluster kinds go to that
 * cluster's Kubernetes API (cluster-apply.ts, cluster-get.ts, cluster-delete.ts); without it, TSB kinds go to the
 * management plane.
 */

export type { ClusterApplyArgs } from './cluster-apply.js';
export type { ClusterGetArgs } from './cluster-get.js';
export type { ClusterDeleteArgs } from './cluster-delete.js';
export { clusterApply as applyToCluster } from './cluster-apply.js';
export { clusterGet as getFromCluster } from './cluster-get.js';
export { clusterDelete as deleteFromCluster } from './cluster-delete.js';
