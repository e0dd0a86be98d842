/** The web UI: routes for the management plane, its data sources, and the JSON shapes it serves. */
export { registerUi } from './register.js';
export type { UiDeps, UiPrincipal } from './register.js';
export { createUiSources } from './sources.js';
export type { UiSources, UiSourcesOptions } from './sources.js';
export {
  clustersOfKubeconfig,
  kubeInventory,
  kubeMetricsTargets,
  podMetricsTargets,
  readClusterInventory,
} from './kube-inventory.js';
export type { KubeClusterRef, KubeSourceOptions } from './kube-inventory.js';
export type * from './wire.js';
export { federationFailover, UnknownClusterError } from './failover-source.js';
export type { FederationFailoverOptions } from './failover-source.js';
