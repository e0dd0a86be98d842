/**
 * The xDS `Node` a proxy announces (contract C): id, cluster = workload, locality, and Istio-style metadata.
 */
import type { ProxyConfig } from '../config.js';

type StructValue =
  | { stringValue: string }
  | { structValue: { fields: Record<string, StructValue> } }
  | { listValue: { values: StructValue[] } };

/**
 * Encodes a JSON-like value as a protobuf `Value` in proto-loader's plain object form. The well-known types come
 * from protobufjs's camelCase descriptors even with keepCase, hence `stringValue`.
 */
function toValue(v: unknown): StructValue {
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  if (v && typeof v === 'object') return { structValue: toStruct(v as Record<string, unknown>) };
  return { stringValue: String(v) };
}

/** Encodes an object as a protobuf `Struct`. */
export function toStruct(o: Record<string, unknown>): { fields: Record<string, StructValue> } {
  return { fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toValue(v)])) };
}

/** Builds the Node message for a proxy. */
export function buildNode(cfg: ProxyConfig): Record<string, unknown> {
  return {
    id: cfg.nodeId,
    cluster: cfg.workload,
    user_agent_name: 'meshbridge',
    locality: { region: cfg.locality.region, zone: cfg.locality.zone, sub_zone: cfg.locality.subZone },
    metadata: toStruct({
      NAMESPACE: cfg.namespace,
      CLUSTER_ID: cfg.cluster,
      WORKLOAD_NAME: cfg.workload,
      SERVICE_ACCOUNT: cfg.serviceAccount,
      NETWORK: cfg.network,
      LABELS: cfg.labels,
      POD_NAME: cfg.podName,
      INSTANCE_IPS: cfg.podIp,
    }),
  };
}
