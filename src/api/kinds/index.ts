/**
 * The schema of every kind of the registry, by kind name, and the union type of all objects. The validator, the
 * JSON Schema export and every consumer look kinds up here; a test checks it covers `KINDS` exactly.
 */
import type { z } from 'zod';
import { ingressGatewaySchema, type IngressGateway } from './install/ingress-gateway.js';
import { authorizationPolicySchema, type AuthorizationPolicy } from './istio/authorization-policy.js';
import { destinationRuleSchema, type DestinationRule } from './istio/destination-rule.js';
import { gatewaySchema, type Gateway } from './istio/gateway.js';
import { serviceEntrySchema, type ServiceEntry } from './istio/service-entry.js';
import { workloadEntrySchema, type WorkloadEntry } from './istio/workload-entry.js';
import { configMapSchema, secretSchema, type ConfigMap, type Secret } from './k8s/config-data.js';
import { customResourceDefinitionSchema, type CustomResourceDefinition } from './k8s/custom-resource-definition.js';
import { deploymentSchema, type Deployment } from './k8s/deployment.js';
import { endpointSliceSchema, type EndpointSlice } from './k8s/endpoint-slice.js';
import { endpointsSchema, type Endpoints } from './k8s/endpoints.js';
import { eventSchema, type Event } from './k8s/event.js';
import { leaseSchema, type Lease } from './k8s/lease.js';
import { namespaceSchema, type Namespace } from './k8s/namespace.js';
import { nodeSchema, type Node } from './k8s/node.js';
import { persistentVolumeClaimSchema, type PersistentVolumeClaim } from './k8s/persistent-volume-claim.js';
import { podDisruptionBudgetSchema, type PodDisruptionBudget } from './k8s/pod-disruption-budget.js';
import { podSchema, type Pod } from './k8s/pod.js';
import {
  clusterRoleBindingSchema,
  clusterRoleSchema,
  roleBindingSchema,
  roleSchema,
  type ClusterRole,
  type ClusterRoleBinding,
  type Role,
  type RoleBinding,
} from './k8s/rbac.js';
import { replicaSetSchema, type ReplicaSet } from './k8s/replica-set.js';
import { serviceAccountSchema, type ServiceAccount } from './k8s/service-account.js';
import { serviceSchema, type Service } from './k8s/service.js';
import { clusterSchema, type Cluster } from './tsb/cluster.js';
import { organizationSettingSchema, type OrganizationSetting } from './tsb/organization-setting.js';
import { organizationSchema, type Organization } from './tsb/organization.js';
import { tenantSchema, type Tenant } from './tsb/tenant.js';
import { workspaceSettingSchema, type WorkspaceSetting } from './tsb/workspace-setting.js';
import { workspaceSchema, type Workspace } from './tsb/workspace.js';
import { failoverPolicySchema, type FailoverPolicy } from './meshbridge/failover-policy.js';
import { failoverDrillSchema, type FailoverDrill } from './meshbridge/failover-drill.js';

/** Kind name -> its object type. */
export interface KindTypes {
  Organization: Organization;
  Tenant: Tenant;
  Workspace: Workspace;
  WorkspaceSetting: WorkspaceSetting;
  OrganizationSetting: OrganizationSetting;
  Cluster: Cluster;
  FailoverPolicy: FailoverPolicy;
  FailoverDrill: FailoverDrill;
  IngressGateway: IngressGateway;
  Namespace: Namespace;
  Service: Service;
  ServiceAccount: ServiceAccount;
  Deployment: Deployment;
  Pod: Pod;
  Endpoints: Endpoints;
  Node: Node;
  ReplicaSet: ReplicaSet;
  Event: Event;
  EndpointSlice: EndpointSlice;
  Lease: Lease;
  ConfigMap: ConfigMap;
  Secret: Secret;
  PersistentVolumeClaim: PersistentVolumeClaim;
  PodDisruptionBudget: PodDisruptionBudget;
  Role: Role;
  ClusterRole: ClusterRole;
  RoleBinding: RoleBinding;
  ClusterRoleBinding: ClusterRoleBinding;
  CustomResourceDefinition: CustomResourceDefinition;
  WorkloadEntry: WorkloadEntry;
  ServiceEntry: ServiceEntry;
  DestinationRule: DestinationRule;
  Gateway: Gateway;
  AuthorizationPolicy: AuthorizationPolicy;
}

/** The name of a kind meshbridge knows. */
export type KindName = keyof KindTypes;

/** Any valid object of any kind, discriminated by `kind`. */
export type ApiObject = KindTypes[KindName];

/** Objects of the management plane (TSB metadata). */
export type TsbObject =
  Organization | Tenant | Workspace | WorkspaceSetting | OrganizationSetting | Cluster | FailoverPolicy | FailoverDrill;

/** Objects that live in a cluster (Kubernetes metadata). */
export type ClusterObject = Exclude<ApiObject, TsbObject>;

/** Kind name -> zod schema of the whole object. */
export const SCHEMAS: { readonly [K in KindName]: z.ZodType<KindTypes[K]> } = Object.freeze({
  Organization: organizationSchema,
  Tenant: tenantSchema,
  Workspace: workspaceSchema,
  WorkspaceSetting: workspaceSettingSchema,
  OrganizationSetting: organizationSettingSchema,
  Cluster: clusterSchema,
  FailoverPolicy: failoverPolicySchema,
  FailoverDrill: failoverDrillSchema,
  IngressGateway: ingressGatewaySchema,
  Namespace: namespaceSchema,
  Service: serviceSchema,
  ServiceAccount: serviceAccountSchema,
  Deployment: deploymentSchema,
  Pod: podSchema,
  Endpoints: endpointsSchema,
  Node: nodeSchema,
  ReplicaSet: replicaSetSchema,
  Event: eventSchema,
  EndpointSlice: endpointSliceSchema,
  Lease: leaseSchema,
  ConfigMap: configMapSchema,
  Secret: secretSchema,
  PersistentVolumeClaim: persistentVolumeClaimSchema,
  PodDisruptionBudget: podDisruptionBudgetSchema,
  Role: roleSchema,
  ClusterRole: clusterRoleSchema,
  RoleBinding: roleBindingSchema,
  ClusterRoleBinding: clusterRoleBindingSchema,
  CustomResourceDefinition: customResourceDefinitionSchema,
  WorkloadEntry: workloadEntrySchema,
  ServiceEntry: serviceEntrySchema,
  DestinationRule: destinationRuleSchema,
  Gateway: gatewaySchema,
  AuthorizationPolicy: authorizationPolicySchema,
});

/** Whether `kind` names a kind with a schema. */
export function isKindName(kind: string): kind is KindName {
  return Object.hasOwn(SCHEMAS, kind);
}
