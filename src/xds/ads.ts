/**
 * The ADS service of contract C, as grpc-js sees it: the method path, the two messages (decoded with snake_case
 * field names) and one service definition, serialised with the shared Root, that the control plane serves and
 * the proxies' clients call.
 */
import { makeGenericClientConstructor, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import type { EncodedAny } from './any.js';
import { protoRoot } from './protos.js';

/** The ADS method path (state of the world, every type on one stream). */
export const ADS_METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

/** A decoded `envoy.service.discovery.v3.DiscoveryRequest` (what the server reads; what a client sends). */
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

/** A `DiscoveryResponse` (resources still encoded). */
export interface DiscoveryResponse {
  readonly version_info: string;
  readonly resources: readonly EncodedAny[];
  readonly type_url: string;
  readonly nonce: string;
}

let definition: ServiceDefinition | undefined;

/**
 * grpc-js service definition for `StreamAggregatedResources`: 64-bit integers as strings, enums as names, defaults
 * left out, resources as encoded Anys (decode them with any.ts).
 */
export function adsServiceDefinition(): ServiceDefinition {
  if (definition) return definition;
  const root = protoRoot();
  const Req = root.lookupType('envoy.service.discovery.v3.DiscoveryRequest');
  const Res = root.lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  const toObject = { longs: String, enums: String, defaults: false } as const;
  definition = {
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
  return definition;
}

/** The client constructor for the ADS service (`new (adsClient())(address, credentials, options)`). */
export function adsClient(): ServiceClientConstructor {
  return makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
}
