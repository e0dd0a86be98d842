/**
 * The structural shapes of the cluster objects the mesh control plane reads. They mirror the Kubernetes and Istio
 * (`networking.istio.io/v1`) field names exactly and declare only the fields the translation uses, so any object
 * validated by `src/api` (or read from a real Kubernetes API) is assignable to them. Unknown extra fields are
 * ignored here on purpose: validation is `src/api`'s job, the control plane only consumes.
 */

/** The part of `metadata` the control plane reads. */
export interface MeshObjectMeta {
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly deletionTimestamp?: string | undefined;
}

/** A port of a Kubernetes Service. `targetPort` may name a container port. */
export interface ServicePort {
  readonly name?: string | undefined;
  readonly port: number;
  readonly targetPort?: number | string | undefined;
  readonly protocol?: string | undefined;
  readonly appProtocol?: string | undefined;
}

export interface Service {
  readonly kind: 'Service';
  readonly metadata: MeshObjectMeta;
  readonly spec?:
    | {
        readonly selector?: Readonly<Record<string, string>> | undefined;
        readonly ports?: readonly ServicePort[] | undefined;
        readonly clusterIP?: string | undefined;
        readonly type?: string | undefined;
      }
    | undefined;
}

/** One address of an Endpoints subset. */
export interface EndpointAddress {
  readonly ip: string;
  readonly nodeName?: string | undefined;
  readonly targetRef?: { readonly kind?: string; readonly name?: string; readonly namespace?: string } | undefined;
}

export interface Endpoints {
  readonly kind: 'Endpoints';
  readonly metadata: MeshObjectMeta;
  readonly subsets?:
    | readonly {
        readonly addresses?: readonly EndpointAddress[] | undefined;
        readonly notReadyAddresses?: readonly EndpointAddress[] | undefined;
        readonly ports?:
          readonly { readonly name?: string; readonly port: number; readonly protocol?: string }[] | undefined;
      }[]
    | undefined;
}

export interface Pod {
  readonly kind: 'Pod';
  readonly metadata: MeshObjectMeta;
  readonly spec?:
    | {
        readonly nodeName?: string | undefined;
        readonly serviceAccountName?: string | undefined;
        readonly containers?:
          | readonly {
              readonly name: string;
              readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[] | undefined;
            }[]
          | undefined;
      }
    | undefined;
  readonly status?:
    | {
        readonly phase?: string | undefined;
        readonly podIP?: string | undefined;
        readonly conditions?: readonly { readonly type: string; readonly status: string }[] | undefined;
      }
    | undefined;
}

export interface Node {
  readonly kind: 'Node';
  readonly metadata: MeshObjectMeta;
}

export interface Namespace {
  readonly kind: 'Namespace';
  readonly metadata: MeshObjectMeta;
}

/** `networking.istio.io` WorkloadEntry spec (also the shape of a ServiceEntry's inline endpoints). */
export interface WorkloadEntrySpec {
  readonly address?: string | undefined;
  readonly ports?: Readonly<Record<string, number>> | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly network?: string | undefined;
  /** `region/zone/subzone`. */
  readonly locality?: string | undefined;
  readonly weight?: number | undefined;
  readonly serviceAccount?: string | undefined;
}

export interface WorkloadEntry {
  readonly kind: 'WorkloadEntry';
  readonly metadata: MeshObjectMeta;
  readonly spec?: WorkloadEntrySpec | undefined;
}

export interface ServiceEntryPort {
  readonly number: number;
  readonly protocol?: string | undefined;
  readonly name: string;
  readonly targetPort?: number | undefined;
}

export interface ServiceEntry {
  readonly kind: 'ServiceEntry';
  readonly metadata: MeshObjectMeta;
  readonly spec?:
    | {
        readonly hosts?: readonly string[] | undefined;
        readonly ports?: readonly ServiceEntryPort[] | undefined;
        readonly location?: string | undefined;
        readonly resolution?: string | undefined;
        readonly endpoints?: readonly WorkloadEntrySpec[] | undefined;
        readonly workloadSelector?: { readonly labels?: Readonly<Record<string, string>> | undefined } | undefined;
      }
    | undefined;
}

/** Istio OutlierDetection (durations are protobuf JSON strings such as `10s` or `1.5s`). */
export interface OutlierDetection {
  readonly consecutive5xxErrors?: number | undefined;
  readonly consecutiveGatewayErrors?: number | undefined;
  readonly interval?: string | undefined;
  readonly baseEjectionTime?: string | undefined;
  readonly maxEjectionPercent?: number | undefined;
  readonly minHealthPercent?: number | undefined;
}

/** Istio LocalityLoadBalancerSetting (the parts that decide priorities). */
export interface LocalityLbSetting {
  readonly enabled?: boolean | undefined;
  readonly failover?: readonly { readonly from: string; readonly to: string }[] | undefined;
  readonly failoverPriority?: readonly string[] | undefined;
}

export interface DestinationRule {
  readonly kind: 'DestinationRule';
  readonly metadata: MeshObjectMeta;
  readonly spec?:
    | {
        readonly host?: string | undefined;
        readonly trafficPolicy?:
          | {
              readonly loadBalancer?: { readonly localityLbSetting?: LocalityLbSetting | undefined } | undefined;
              readonly outlierDetection?: OutlierDetection | undefined;
              readonly connectionPool?:
                { readonly tcp?: { readonly connectTimeout?: string | undefined } | undefined } | undefined;
            }
          | undefined;
      }
    | undefined;
}

/** Every object kind the control plane consumes, discriminated by `kind`. */
export type MeshObject = Service | Endpoints | Pod | Node | Namespace | WorkloadEntry | ServiceEntry | DestinationRule;

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
