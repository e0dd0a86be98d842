/**
 * The embedded mesh control plane: cluster objects -> Envoy v3 xDS, served over ADS (contract C).
 * Ingest (`snapshot`, sources) -> pure translation (`translate`) -> serve (`startControlPlane`).
 */
export {
  startControlPlane,
  ControlPlaneOptionsError,
  type ControlPlane,
  type ControlPlaneOptions,
  type ControlPlaneStats,
  type MeshLogger,
  type ProxyStats,
} from './control-plane.js';
export { createMemorySource, type MemorySource, type ObjectSource } from './source.js';
export { createKubeSource, type KubeSourceOptions } from './kube-source.js';
export { createStoreSource, MESH_RESOURCES, type ChangeFeedStore, type StoreResourceRef } from './store-source.js';
export { createSnapshot, type Snapshot } from './snapshot.js';
export { translate, type TranslateOptions } from './translate/index.js';
export { proxyFromNode, ProxyIdError, type Proxy, type XdsNodeInfo } from './proxy.js';
export { assignPriorities, localityRank, parseLocality, podLocality, type Locality } from './locality.js';
export { isMeshObject, MESH_KINDS, type MeshObject } from './inputs.js';
export { TYPE_URLS, EXTENSION_TYPE_URLS, type XdsObject } from '../xds/index.js';
export type { XdsResources } from './xds-types.js';
export { outboundClusterName, inboundClusterName, sniFor } from './translate/names.js';
