/**
 * DiscoveryRequest/DiscoveryResponse as the ADS server handles them (decoded with snake_case field names), and
 * the gRPC service definition built from the loaded protos.
 */
import type { ServiceDefinition } from '@grpc/grpc-js';
import { protoRoot, type EncodedAny } from '../protos.js';

/** A decoded `envoy.service.discovery.v3.DiscoveryRequest` (only what the server reads). */
export interface DiscoveryRequest {
  readonly version_info?: string;
  readonly node?: {
    readonly id?: string;
    readonly cluster?: string;
    readonly locality?: { readonly region?: string; readonly zone?: string; readonly sub_zone?: string };
    readonly metadata?: { readonly fields?: Record<string, unknown> };
  };
  readonly resource_names?: readonly string[];
  readonly type_url?: string;
  readonly response_nonce?: string;
  readonly error_detail?: { readonly code?: number; readonly message?: string };
}

/** A `DiscoveryResponse` ready to encode. */
export interface DiscoveryResponse {
  readonly version_info: string;
  readonly resources: readonly EncodedAny[];
  readonly type_url: string;
  readonly nonce: string;
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

/** The ADS method path (contract C). */
export const ADS_METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

/** grpc-js service definition for `StreamAggregatedResources`, serialising with the loaded protos. */
export function adsServiceDefinition(): ServiceDefinition {
  const root = protoRoot();
  const Req = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
  const Res = root.lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  const toObject = { longs: String, enums: String, defaults: false } as const;
  return {
    StreamAggregatedResources: {
      path: ADS_METHOD,
      requestStream: true,
      responseStream: true,
      originalName: 'streamAggregatedResources',
      requestSerialize: (m: DiscoveryRequest) => Buffer.from(Req.encode(Req.fromObject(m)).finish()),
      requestDeserialize: (b: Buffer) => Req.toObject(Req.decode(b), toObject) as DiscoveryRequest,
      responseSerialize: (m: DiscoveryResponse) => Buffer.from(Res.encode(Res.fromObject(m)).finish()),
      responseDeserialize: (b: Buffer) => Res.toObject(Res.decode(b), toObject) as DiscoveryResponse,
    },
  };
}
