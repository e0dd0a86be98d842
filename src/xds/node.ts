/**
 * The xDS `Node` of contract C: the id format, the Istio-style metadata a proxy announces and how the control plane
 * reads it back. The id is `<role>~<pod ip>~<pod>.<namespace>~<namespace>.svc.cluster.local`, with role `sidecar`
 * or `router` (gateways), as Istio's agents write it.
 */
/** The two proxy roles. */
export type ProxyRole = 'sidecar' | 'router';

/** The node id of a proxy in a pod. */
export function nodeId(role: ProxyRole, podIp: string, podName: string, namespace: string): string {
  return `${role}~${podIp}~${podName}.${namespace}~${namespace}.svc.cluster.local`;
}

/** What a node id says; `namespace` is undefined when the third part has no dot (a bare pod name). */
export interface NodeIdParts {
  readonly role: ProxyRole;
  readonly ip: string;
  readonly podName: string;
  readonly namespace: string | undefined;
}

/** Parses a node id written by {@link nodeId} (or by Istio); undefined when it does not have that shape. */
export function parseNodeId(id: string): NodeIdParts | undefined {
  const parts = id.split('~');
  const [role, ip, podDotNs] = parts;
  if (parts.length !== 4 || (role !== 'sidecar' && role !== 'router') || !ip || !podDotNs) return undefined;
  const dot = podDotNs.indexOf('.');
  return {
    role,
    ip,
    podName: dot < 0 ? podDotNs : podDotNs.slice(0, dot),
    namespace: dot < 0 ? undefined : podDotNs.slice(dot + 1),
  };
}

/** Inputs of {@link xdsNode}: who the proxy is and where it runs. */
export interface NodeOptions {
  readonly id: string;
  readonly workload: string;
  readonly namespace: string;
  readonly cluster: string;
  readonly network: string;
  readonly serviceAccount: string;
  readonly podName: string;
  readonly podIp: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: { readonly region: string; readonly zone: string; readonly subzone?: string };
}

type StructValue =
  | { stringValue: string }
  | { structValue: { fields: Record<string, StructValue> } }
  | { listValue: { values: StructValue[] } };

/**
 * Encodes a JSON-like value as a protobuf `Value` in object form. The well-known types come from protobufjs's
 * camelCase descriptors even with keepCase, hence `stringValue`.
 */
function toValue(v: unknown): StructValue {
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  if (v && typeof v === 'object') return { structValue: toStruct(v as Record<string, unknown>) };
  return { stringValue: String(v) };
}

/** Encodes an object as a protobuf `Struct` (leaves as strings). */
export function toStruct(o: Readonly<Record<string, unknown>>): { fields: Record<string, StructValue> } {
  return { fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toValue(v)])) };
}

/** Converts a decoded `google.protobuf.Struct` (protobufjs object form) into plain JSON. */
export function structToJson(struct: { fields?: Record<string, unknown> } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(struct?.fields ?? {})) out[k] = valueToJson(v);
  return out;
}

function valueToJson(v: unknown): unknown {
  if (!v || typeof v !== 'object') return null;
  const value = v as Record<string, unknown>;
  if ('stringValue' in value) return value['stringValue'];
  if ('numberValue' in value) return value['numberValue'];
  if ('boolValue' in value) return value['boolValue'];
  if ('structValue' in value) return structToJson(value['structValue'] as { fields?: Record<string, unknown> });
  if ('listValue' in value) {
    const list = value['listValue'] as { values?: unknown[] };
    return (list.values ?? []).map(valueToJson);
  }
  return null;
}

/**
 * The `envoy.config.core.v3.Node` a proxy sends (plain object, snake_case): id, cluster = workload, locality, and
 * Istio's metadata keys (`NAMESPACE`, `LABELS`, ...), which the control plane reads when the id leaves them out.
 */
export function xdsNode(o: NodeOptions): Record<string, unknown> {
  return {
    id: o.id,
    cluster: o.workload,
    user_agent_name: 'meshbridge',
    locality: { region: o.locality.region, zone: o.locality.zone, sub_zone: o.locality.subzone ?? '' },
    metadata: toStruct({
      NAMESPACE: o.namespace,
      CLUSTER_ID: o.cluster,
      WORKLOAD_NAME: o.workload,
      SERVICE_ACCOUNT: o.serviceAccount,
      NETWORK: o.network,
      LABELS: o.labels,
      POD_NAME: o.podName,
      INSTANCE_IPS: o.podIp,
    }),
  };
}
