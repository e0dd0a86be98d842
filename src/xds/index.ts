/**
 * Contract C, shared by the mesh control plane, the data plane and the local clusters (like go-control-plane
 * between Istio's pilot and its agents): the Envoy protos loaded once, the type URLs, the Any codec, the ADS
 * service, the node id and metadata, and the pod environment. Imports nothing of ours.
 */
export { PROTO_FILES, PROTO_INCLUDE_DIRS, protoRoot, typeForUrl } from './protos.js';
export { TYPE_URLS, EXTENSION_TYPE_URLS, type ResourceKind } from './type-urls.js';
export {
  AS_TRANSLATED,
  decodeAny,
  encodeAny,
  messageType,
  UnknownFieldError,
  UnknownTypeError,
  type DecodeOptions,
  type EncodedAny,
  type XdsObject,
} from './any.js';
export {
  ADS_METHOD,
  DELTA_ADS_METHOD,
  adsClient,
  adsServiceDefinition,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type DiscoveryRequest,
  type DiscoveryResponse,
  type WireDeltaResponse,
} from './ads.js';
export {
  encodeDeltaDiscoveryResponse,
  encodeDiscoveryResponse,
  joinResourceLists,
  type WireDeltaResource,
} from './wire.js';
export {
  nodeId,
  parseNodeId,
  structToJson,
  toStruct,
  xdsNode,
  type NodeIdParts,
  type NodeOptions,
  type ProxyRole,
} from './node.js';
export {
  localityText,
  parseLocalityText,
  LocalityTextError,
  MAX_LOCALITY_TEXT,
  type LocalityParts,
} from './locality.js';
export { appProxyEnv, proxyEnv, PROXY_PORTS, type AppProxyEnvOptions, type ProxyEnvOptions } from './pod-env.js';
export { FAILBACK_METADATA_KEY } from './failback.js';
export { PROBE_HEADER, PROBE_SERVICE_ACCOUNT, PROBE_VALUE } from './probe.js';
