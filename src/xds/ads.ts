/**
 * The ADS service of contract C, as grpc-js sees it: the method path, the two messages (decoded with snake_case
 * field names) and one service definition, serialised with the shared Root, that the control plane serves and
 * the proxies' clients call.
 */
import { makeGenericClientConstructor, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import type { EncodedAny } from './any.js';
import { protoRoot } from './protos.js';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse, type WireDeltaResponse } from './wire.js';

/** The ADS method path (state of the world, every type on one stream). */
export const ADS_METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';
/** The incremental ADS method path (delta xDS, every type on one stream). */
export const DELTA_ADS_METHOD = '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';

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

/** A decoded `envoy.service.discovery.v3.DeltaDiscoveryRequest`. */
export interface DeltaDiscoveryRequest {
  readonly node?: DiscoveryRequest['node'];
  readonly type_url?: string;
  readonly resource_names_subscribe?: readonly string[];
  readonly resource_names_unsubscribe?: readonly string[];
  /** What a reconnecting client holds, by name: the versions it received on an earlier stream. */
  readonly initial_resource_versions?: Readonly<Record<string, string>>;
  readonly response_nonce?: string;
  readonly error_detail?: { readonly code?: number; readonly message?: string };
}

/** A decoded `DeltaDiscoveryResponse` (resources still encoded), as a client reads it. */
export interface DeltaDiscoveryResponse {
  readonly system_version_info?: string;
  readonly resources?: readonly { readonly name?: string; readonly version?: string; readonly resource?: EncodedAny }[];
  readonly type_url: string;
  readonly nonce: string;
  readonly removed_resources?: readonly string[];
}

export type { WireDeltaResponse } from './wire.js';

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
  const DeltaReq = root.lookupType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
  const DeltaRes = root.lookupType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const toObject = { longs: String, enums: String, defaults: false } as const;
  definition = {
    StreamAggregatedResources: {
      path: ADS_METHOD,
      requestStream: true,
      responseStream: true,
      originalName: 'streamAggregatedResources',
      requestSerialize: (m: DiscoveryRequest) => Buffer.from(Req.encode(Req.fromObject(m)).finish()),
      requestDeserialize: (b: Buffer) => Req.toObject(Req.decode(b), toObject) as DiscoveryRequest,
      // Servers write with the caching encoder (wire.ts); clients never send responses.
      responseSerialize: (m: DiscoveryResponse) => encodeDiscoveryResponse(m),
      responseDeserialize: (b: Buffer) => Res.toObject(Res.decode(b), toObject) as DiscoveryResponse,
    },
    DeltaAggregatedResources: {
      path: DELTA_ADS_METHOD,
      requestStream: true,
      responseStream: true,
      originalName: 'deltaAggregatedResources',
      requestSerialize: (m: DeltaDiscoveryRequest) => Buffer.from(DeltaReq.encode(DeltaReq.fromObject(m)).finish()),
      requestDeserialize: (b: Buffer) => DeltaReq.toObject(DeltaReq.decode(b), toObject) as DeltaDiscoveryRequest,
      responseSerialize: (m: WireDeltaResponse) => encodeDeltaDiscoveryResponse(m),
      responseDeserialize: (b: Buffer) => DeltaRes.toObject(DeltaRes.decode(b), toObject) as DeltaDiscoveryResponse,
    },
  };
  return definition;
}

/** The client constructor for the ADS service (both methods) (`new (adsClient())(address, credentials, options)`). */
export function adsClient(): ServiceClientConstructor {
  return makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
}
