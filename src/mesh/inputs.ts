/**
 * The cluster objects the mesh control plane reads: the resource model's own types (`src/api`, contract A), so
 * the translation sees exactly the fields validation guarantees. The mesh never validates; objects reach it from
 * the cluster's API, which validated them at its edge.
 */
import type {
  AuthorizationPolicy,
  DestinationRule,
  Endpoints,
  Gateway,
  Namespace,
  Node,
  OutlierDetection,
  Pod,
  Service,
  ServiceEntry,
  WorkloadEntry,
  WorkloadEntrySpec,
} from '../api/index.js';

export type {
  AuthorizationPolicy,
  DestinationRule,
  Endpoints,
  Gateway,
  Namespace,
  Node,
  OutlierDetection,
  Pod,
  Service,
  ServiceEntry,
  WorkloadEntry,
  WorkloadEntrySpec,
};

/** A port of a Kubernetes Service. */
export type ServicePort = NonNullable<NonNullable<Service['spec']>['ports']>[number];
/** One address of an Endpoints subset. */
export type EndpointAddress = NonNullable<NonNullable<Endpoints['subsets']>[number]['addresses']>[number];

/** Every object kind the control plane consumes, discriminated by `kind`. */
export type MeshObject =
  | Service
  | Endpoints
  | Pod
  | Node
  | Namespace
  | WorkloadEntry
  | ServiceEntry
  | DestinationRule
  | Gateway
  | AuthorizationPolicy;

/** The kinds in {@link MeshObject}, e.g. to decide which objects a source must watch. */
export const MESH_KINDS = [
  'Namespace',
  'Node',
  'Service',
  'Endpoints',
  'Pod',
  'WorkloadEntry',
  'ServiceEntry',
  'DestinationRule',
  'Gateway',
  'AuthorizationPolicy',
] as const satisfies readonly MeshObject['kind'][];

/** Whether an arbitrary object (e.g. from a Kubernetes watch) is one the control plane consumes. */
export function isMeshObject(obj: unknown): obj is MeshObject {
  if (typeof obj !== 'object' || obj === null) return false;
  const o = obj as { kind?: unknown; metadata?: { name?: unknown } };
  return (
    typeof o.kind === 'string' &&
    (MESH_KINDS as readonly string[]).includes(o.kind) &&
    typeof o.metadata?.name === 'string'
  );
}
