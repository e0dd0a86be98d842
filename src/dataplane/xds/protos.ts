/**
 * Envoy v3 protos, loaded from the copies shipped in @grpc/grpc-js-xds (`deps/`). Two views of the same files:
 * a gRPC package definition for the ADS stream, and a protobufjs Root to decode (and, in tests, encode) the
 * `Any` resources. The extensions the data plane reads are loaded here; an `Any` of a type missing from the Root
 * (the control plane also sends `tls_inspector` and `previous_hosts`, which the proxies do not need to read) is
 * left as opaque bytes. The control plane loads its own, larger set (src/mesh/protos.ts).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
// Same non-public helper grpc-js-xds uses to get a protobufjs Root with proto-loader's options and wrappers.
import { loadProtosWithOptionsSync } from '@grpc/proto-loader/build/src/util.js';
import type { Root, Type } from 'protobufjs';

const require = createRequire(import.meta.url);
const DEPS = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');

/** Include dirs for the Envoy API and its dependencies. */
export const PROTO_INCLUDE_DIRS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(DEPS, d));

/** Proto files loaded: the ADS service, the four resource types and the extensions contract C uses. */
export const PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config.proto',
];

/** Type URLs of the four xDS resource types. */
export const TYPE_URLS = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const;

/** One of the four resource type keys. */
export type ResourceKind = keyof typeof TYPE_URLS;

const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true };

let root: Root | undefined;
/** The protobufjs Root holding every loaded Envoy type (lazily loaded once; ~150 ms). */
export function envoyRoot(): Root {
  root ??= loadProtosWithOptionsSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: PROTO_INCLUDE_DIRS });
  return root;
}

/** The protobufjs type for a type URL, or undefined when not loaded. */
export function typeForUrl(typeUrl: string): Type | undefined {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  try {
    return envoyRoot().lookupType(name);
  } catch {
    return undefined;
  }
}

/**
 * Decodes an `Any` payload to a plain object: snake_case fields, enums as names, 64-bit ints as strings, nested
 * `Any`s expanded to `{'@type': url, ...fields}`. Throws on malformed bytes or an unknown type.
 */
export function decodeAny(typeUrl: string, value: Uint8Array): Record<string, unknown> {
  const type = typeForUrl(typeUrl);
  if (!type) throw new Error(`type ${typeUrl} is not loaded`);
  const message = type.decode(value);
  return type.toObject(message, { longs: String, enums: String, defaults: false, oneofs: true, json: true });
}

/** Encodes a plain object (same shape as {@link decodeAny} returns) into `Any` bytes. */
export function encodeAny(typeUrl: string, object: Record<string, unknown>): { type_url: string; value: Buffer } {
  const type = typeForUrl(typeUrl);
  if (!type) throw new Error(`type ${typeUrl} is not loaded`);
  const err = type.verify(type.fromObject(object));
  if (err) throw new Error(`${typeUrl}: ${err}`);
  return { type_url: typeUrl, value: Buffer.from(type.encode(type.fromObject(object)).finish()) };
}

let adsPackage: grpc.GrpcObject | undefined;
/** The gRPC package object holding `envoy.service.discovery.v3.AggregatedDiscoveryService`. */
export function adsGrpcPackage(): grpc.GrpcObject {
  adsPackage ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(PROTO_FILES[0] as string, { ...LOADER_OPTIONS, includeDirs: PROTO_INCLUDE_DIRS }),
  );
  return adsPackage;
}

/** The ADS service constructor (client) / definition (server). */
export function adsService(): grpc.ServiceClientConstructor {
  const envoy = adsGrpcPackage().envoy as grpc.GrpcObject;
  const service = (((envoy.service as grpc.GrpcObject).discovery as grpc.GrpcObject).v3 as grpc.GrpcObject)
    .AggregatedDiscoveryService as grpc.ServiceClientConstructor;
  return service;
}
