/**
 * The table of every resource kind meshbridge knows: where it is served (a cluster's Kubernetes-compatible API or
 * the management plane), its API group and versions, REST names and short names. The API server's discovery, the
 * CLI's kind resolution and the validator all read this one table.
 */

/** Where a kind lives: in a cluster (Kubernetes API) or in the management plane (TSB-style API). */
export type KindScope = 'cluster' | 'mgmt';

/** Static facts about one kind. */
export interface KindInfo {
  /** API group; '' for the Kubernetes core group. */
  readonly group: string;
  /** Accepted versions; the first is the storage/preferred version. */
  readonly versions: readonly string[];
  readonly kind: string;
  /** Lowercase plural used in REST paths, e.g. `workloadentries`. */
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  /** Whether objects of the kind live in a namespace (cluster kinds) — mgmt kinds are never namespaced. */
  readonly namespaced: boolean;
  readonly scope: KindScope;
}

const k = (info: KindInfo): KindInfo => Object.freeze(info);

const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;

/** Every kind, in a stable order. */
export const KINDS: readonly KindInfo[] = Object.freeze([
  // Management plane (api.tsb.tetrate.io/v2)
  k({
    group: 'api.tsb.tetrate.io',
    versions: ['v2'],
    kind: 'Organization',
    plural: 'organizations',
    singular: 'organization',
    shortNames: ['org'],
    namespaced: false,
    scope: 'mgmt',
  }),
  k({
    group: 'api.tsb.tetrate.io',
    versions: ['v2'],
    kind: 'Tenant',
    plural: 'tenants',
    singular: 'tenant',
    shortNames: ['tn'],
    namespaced: false,
    scope: 'mgmt',
  }),
  k({
    group: 'api.tsb.tetrate.io',
    versions: ['v2'],
    kind: 'Workspace',
    plural: 'workspaces',
    singular: 'workspace',
    shortNames: ['ws'],
    namespaced: false,
    scope: 'mgmt',
  }),
  k({
    group: 'api.tsb.tetrate.io',
    versions: ['v2'],
    kind: 'WorkspaceSetting',
    plural: 'workspacesettings',
    singular: 'workspacesetting',
    shortNames: ['wss'],
    namespaced: false,
    scope: 'mgmt',
  }),
  k({
    group: 'api.tsb.tetrate.io',
    versions: ['v2'],
    kind: 'OrganizationSetting',
    plural: 'organizationsettings',
    singular: 'organizationsetting',
    shortNames: ['os'],
    namespaced: false,
    scope: 'mgmt',
  }),
  k({
    group: 'api.tsb.tetrate.io',
    versions: ['v2'],
    kind: 'Cluster',
    plural: 'clusters',
    singular: 'cluster',
    shortNames: ['cl'],
    namespaced: false,
    scope: 'mgmt',
  }),
  // meshbridge's own (failover.meshbridge.io/v1alpha1)
  k({
    group: 'failover.meshbridge.io',
    versions: ['v1alpha1'],
    kind: 'FailoverPolicy',
    plural: 'failoverpolicies',
    singular: 'failoverpolicy',
    shortNames: ['fp'],
    namespaced: false,
    scope: 'mgmt',
  }),
  k({
    group: 'failover.meshbridge.io',
    versions: ['v1alpha1'],
    kind: 'FailoverDrill',
    plural: 'failoverdrills',
    singular: 'failoverdrill',
    shortNames: ['fd'],
    namespaced: false,
    scope: 'mgmt',
  }),
  // Install (install.tetrate.io/v1alpha1)
  k({
    group: 'install.tetrate.io',
    versions: ['v1alpha1'],
    kind: 'IngressGateway',
    plural: 'ingressgateways',
    singular: 'ingressgateway',
    shortNames: ['igw'],
    namespaced: true,
    scope: 'cluster',
  }),
  // Kubernetes
  k({
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    namespaced: false,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    shortNames: ['sa'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    shortNames: ['po'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'Endpoints',
    plural: 'endpoints',
    singular: 'endpoints',
    shortNames: ['ep'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    shortNames: ['no'],
    namespaced: false,
    scope: 'cluster',
  }),
  k({
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    shortNames: ['ev'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'discovery.k8s.io',
    versions: ['v1'],
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    singular: 'endpointslice',
    shortNames: [],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'coordination.k8s.io',
    versions: ['v1'],
    kind: 'Lease',
    plural: 'leases',
    singular: 'lease',
    shortNames: [],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    shortNames: ['cm'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    shortNames: [],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: '',
    versions: ['v1'],
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    shortNames: ['pvc'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'policy',
    versions: ['v1'],
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    shortNames: ['pdb'],
    namespaced: true,
    scope: 'cluster',
  }),
  // RBAC: stored and served so manifests apply as they are; the local clusters do not enforce them
  k({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'Role',
    plural: 'roles',
    singular: 'role',
    shortNames: [],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'ClusterRole',
    plural: 'clusterroles',
    singular: 'clusterrole',
    shortNames: [],
    namespaced: false,
    scope: 'cluster',
  }),
  k({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'RoleBinding',
    plural: 'rolebindings',
    singular: 'rolebinding',
    shortNames: [],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    shortNames: [],
    namespaced: false,
    scope: 'cluster',
  }),
  k({
    group: 'apiextensions.k8s.io',
    versions: ['v1'],
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    shortNames: ['crd', 'crds'],
    namespaced: false,
    scope: 'cluster',
  }),
  // Istio (networking.istio.io)
  k({
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    kind: 'WorkloadEntry',
    plural: 'workloadentries',
    singular: 'workloadentry',
    shortNames: ['we'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    singular: 'serviceentry',
    shortNames: ['se'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    kind: 'DestinationRule',
    plural: 'destinationrules',
    singular: 'destinationrule',
    shortNames: ['dr'],
    namespaced: true,
    scope: 'cluster',
  }),
  k({
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    kind: 'Gateway',
    plural: 'gateways',
    singular: 'gateway',
    shortNames: ['gw'],
    namespaced: true,
    scope: 'cluster',
  }),
  // Istio (security.istio.io)
  k({
    group: 'security.istio.io',
    versions: ['v1', 'v1beta1'],
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    shortNames: ['ap'],
    namespaced: true,
    scope: 'cluster',
  }),
]);

/** `apiVersion` string for a group/version pair (`v1` for the core group, `group/version` otherwise). */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Splits an `apiVersion` into group and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The kind for an `apiVersion` + `kind` pair, or undefined when the pair is unknown (including a wrong version). */
export function findKind(apiVersion: string, kind: string): KindInfo | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return KINDS.find((info) => info.kind === kind && info.group === group && info.versions.includes(version));
}

/**
 * Resolves what a user typed on the command line (`we`, `workloadentry`, `WorkloadEntries`, `deploy`,
 * `ingressgateway`, `deployments.apps`) to a kind. Case-insensitive.
 */
export function resolveKindName(name: string): KindInfo | undefined {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  const base = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  return KINDS.find(
    (info) =>
      (group === undefined || info.group === group) &&
      (info.plural === base ||
        info.singular === base ||
        info.kind.toLowerCase() === base ||
        info.shortNames.includes(base)),
  );
}
