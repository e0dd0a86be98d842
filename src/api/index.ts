/** The resource model: the single source of truth for kinds, their types, defaults and validation. */
export * from './registry.js';
export * from './codes.js';
export * from './issues.js';
export { formatPath, parsePath, type PathSegment } from './path.js';
export { FORBIDDEN_KEYS, findForbiddenKey, isForbiddenKey } from './object-paths.js';
export * from './kinds/index.js';
export { validateObject, MAX_OBJECT_DEPTH } from './validate.js';
export { applyDefaults } from './defaults.js';
export { formatIssue } from './format.js';
export {
  parseDocuments,
  PARSE_LIMITS,
  type ParsedDocument,
  type ParseOptions,
  type ParseResult,
} from './parse/documents.js';
export {
  validateDocuments,
  validateSources,
  type DocumentResult,
  type SetValidation,
  type Source,
} from './validate-set.js';
export { identityOf } from './checks/cross.js';
export { applyOverlays, type ApplyOverlaysOptions, type OverlayResult } from './overlay/apply.js';
export { parseOverlayPath, type OverlayStep, type ParsedOverlayPath } from './overlay/path.js';
export { gatewayBaseObjects, GATEWAY_IMAGE } from './gateway.js';
export { jsonSchemaFor } from './json-schema.js';
export type { ObjectMeta, OwnerReference, TsbMetadata } from './schema/meta.js';
export type { KubeObject } from './kube-object.js';
export * from './kinds/k8s/namespace.js';
export * from './kinds/k8s/service.js';
export * from './kinds/k8s/service-account.js';
export * from './kinds/k8s/deployment.js';
export * from './kinds/k8s/pod.js';
export * from './kinds/k8s/pod-spec.js';
export * from './kinds/k8s/container.js';
export * from './kinds/k8s/endpoints.js';
export * from './kinds/k8s/node.js';
export * from './kinds/k8s/replica-set.js';
export * from './kinds/k8s/event.js';
export * from './kinds/k8s/endpoint-slice.js';
export { sidecarInjected, type InjectionInput } from './injection.js';
export * from './kinds/istio/workload-entry.js';
export * from './kinds/istio/service-entry.js';
export * from './kinds/istio/destination-rule.js';
export * from './kinds/istio/gateway.js';
export * from './kinds/istio/authorization-policy.js';
export * from './kinds/install/ingress-gateway.js';
export * from './kinds/tsb/organization.js';
export * from './kinds/tsb/tenant.js';
export * from './kinds/tsb/workspace.js';
export * from './kinds/tsb/workspace-setting.js';
export * from './kinds/tsb/organization-setting.js';
export * from './kinds/tsb/cluster.js';
export * from './kinds/meshbridge/failover-policy.js';
export * from './failover-policy.js';
export * from './kinds/meshbridge/failover-drill.js';
export * from './failover-drill.js';
export * from './drill-lease.js';
export * from './fqn.js';
