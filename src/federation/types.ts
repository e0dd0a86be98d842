/**
 * Types the federation controller reads and writes. Management-plane configuration uses the resource model's
 * types (`src/api`); the Istio objects it generates (`networking.istio.io/v1`) are typed here, field for field as
 * Istio defines them, restricted to what the controller writes (a test checks them against `src/api`'s validation
 * and Istio's CRD schemas).
 */

/** Object metadata as Kubernetes serves it (only what federation reads or writes). */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
}

/** Any object with apiVersion/kind/metadata (a Kubernetes object). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

// ---- TSB management-plane objects: the resource model's types (contract A) ----

import type {
  Cluster,
  FailoverDrill,
  FailoverPolicy,
  OrganizationSetting,
  Workspace,
  WorkspaceSetting,
} from '../api/index.js';
export type {
  Cluster,
  FailoverDrill,
  FailoverPolicy,
  EastWestGatewaySetting,
  OrganizationSetting,
  Workspace,
  WorkspaceSetting,
} from '../api/index.js';

/** `WorkspaceSetting.spec.failoverSettings`. */
export type FailoverSettings = NonNullable<NonNullable<WorkspaceSetting['spec']>['failoverSettings']>;

/** The management-plane configuration the plan consumes (one snapshot). */
export interface FederationConfig {
  workspaces: Workspace[];
  workspaceSettings: WorkspaceSetting[];
  organizationSettings: OrganizationSetting[];
  clusters: Cluster[];
  /** Per-service failover policies (absent in configurations written before the kind existed). */
  failoverPolicies?: FailoverPolicy[];
  /** Scheduled failover drills (run by the drill runner, not planned). */
  failoverDrills?: FailoverDrill[];
}

// ---- Istio objects the controller writes (networking.istio.io/v1) ----

/** Istio `WorkloadEntry` spec fields used here. */
export interface WorkloadEntrySpec {
  address: string;
  ports?: Record<string, number>;
  labels?: Record<string, string>;
  locality?: string;
  network?: string;
  weight?: number;
  serviceAccount?: string;
}

/** Istio `ServiceEntry` spec fields used here. */
export interface ServiceEntrySpec {
  hosts: string[];
  location?: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  resolution?: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  ports?: { name: string; number: number; protocol?: string; targetPort?: number }[];
  endpoints?: WorkloadEntrySpec[];
  exportTo?: string[];
  /** SPIFFE IDs the endpoints' servers may present (clients refuse any other). */
  subjectAltNames?: string[];
}

/** Istio `AuthorizationPolicy` spec fields used here (security.istio.io/v1). */
export interface AuthorizationPolicySpec {
  action: 'DENY';
  rules: { from: { source: { notPrincipals: string[] } }[] }[];
}

/** Istio `DestinationRule` spec fields used here. */
export interface DestinationRuleSpec {
  host: string;
  exportTo?: string[];
  trafficPolicy?: {
    loadBalancer?: {
      localityLbSetting?: {
        enabled?: boolean;
        failover?: { from?: string; to?: string }[];
        failoverPriority?: string[];
      };
    };
    outlierDetection?: {
      consecutive5xxErrors?: number;
      consecutiveGatewayErrors?: number;
      interval?: string;
      baseEjectionTime?: string;
      maxEjectionPercent?: number;
    };
  };
}

/** Istio `Gateway` spec fields used here: one TLS server whose hosts are the exported services. */
export interface GatewaySpec {
  selector: Record<string, string>;
  servers: {
    port: { number: number; name: string; protocol: string };
    hosts: string[];
    tls: { mode: 'AUTO_PASSTHROUGH' };
  }[];
}

/** Metadata of an object the controller generates: always named and labelled. */
export interface GeneratedMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A generated object, discriminated on `kind`. */
export type GeneratedObject =
  | { apiVersion: 'networking.istio.io/v1'; kind: 'WorkloadEntry'; metadata: GeneratedMeta; spec: WorkloadEntrySpec }
  | { apiVersion: 'networking.istio.io/v1'; kind: 'ServiceEntry'; metadata: GeneratedMeta; spec: ServiceEntrySpec }
  | {
      apiVersion: 'networking.istio.io/v1';
      kind: 'DestinationRule';
      metadata: GeneratedMeta;
      spec: DestinationRuleSpec;
    }
  | { apiVersion: 'networking.istio.io/v1'; kind: 'Gateway'; metadata: GeneratedMeta; spec: GatewaySpec }
  | {
      apiVersion: 'security.istio.io/v1';
      kind: 'AuthorizationPolicy';
      metadata: GeneratedMeta;
      spec: AuthorizationPolicySpec;
    }
  | { apiVersion: 'v1'; kind: 'Namespace'; metadata: GeneratedMeta };

/** The kinds the controller owns (the only kinds it ever creates, updates or deletes). */
export type GeneratedKind = GeneratedObject['kind'];

/** Labels and names of contract E. */
export const MANAGED_BY_LABEL = 'meshbridge.io/managed-by';
export const MANAGED_BY_VALUE = 'meshbridge-federation';
export { SOURCE_CLUSTER_LABEL } from '../priority/index.js';
export const GATEWAY_LABEL = 'meshbridge.io/gateway';
/** Label of generated entries: the trust domain of the remote workloads behind them (read by the embedded mesh). */
export const TRUST_DOMAIN_LABEL = 'meshbridge.io/trust-domain';
/** Istio's root namespace, where the mesh-wide trust-domain policy is written (Istio installs it). */
export const ROOT_NAMESPACE = 'istio-system';
/** Name of the mesh-wide AuthorizationPolicy naming the organization's trust domains. */
export const TRUST_DOMAIN_POLICY = 'meshbridge-trust-domains';
/** Namespace holding ServiceEntries for services a cluster does not run itself. */
export const MULTICLUSTER_NAMESPACE = 'meshbridge-multicluster';
/** The East-West gateway's passthrough port (Istio's `tls` port 15443). */
export const EAST_WEST_PORT = 15443;
/** Annotation that overrides a gateway's advertised addresses (one IP, several comma-separated, or one DNS name). */
export const EXTERNAL_ADDRESSES_ANNOTATION = 'xcp.tetrate.io/cluster-external-addresses';
