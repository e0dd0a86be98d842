/**
 * The Envoy v3 protos shipped in `@grpc/grpc-js-xds/deps`, loaded once into one protobufjs Root, and the
 * encoding of translation output into `google.protobuf.Any`. protobufjs silently encodes an Any whose `@type` it
 * cannot resolve as an empty message, so {@link encodeAny} checks every nested `@type` first and throws
 * {@link UnknownTypeError} instead (a loud bug rather than a proxy that quietly gets no filters).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import protobuf from 'protobufjs';
import type { XdsObject } from './xds-types.js';

const require = createRequire(import.meta.url);
const DEPS = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
// protobufjs bundles the common google/protobuf types but not descriptor.proto (which the validate and udpa
// annotations import); its package ships the .proto file, so its folder is the last include dir.
const INCLUDE_DIRS = [
  ...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(DEPS, d)),
  dirname(require.resolve('protobufjs/package.json')),
];

/** Every proto file the control plane needs: ADS itself and each extension a translated resource may nest. */
export const PROTO_FILES = Object.freeze([
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config.proto',
]);

let root: protobuf.Root | undefined;

/** The loaded Root (snake_case field names, as in Envoy's docs and the translation output). */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (origin, target) => {
    for (const dir of INCLUDE_DIRS) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return protobuf.util.path.resolve(origin, target);
  };
  r.loadSync([...PROTO_FILES], { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** Error for an `@type` whose message type is not loaded. */
export class UnknownTypeError extends Error {
  readonly code = 'MB0801';
  constructor(
    readonly typeUrl: string,
    readonly path: string,
  ) {
    super(`${path}: @type ${typeUrl} has no loaded proto (add it to PROTO_FILES)`);
  }
}

/** The message type for a type URL, or throws {@link UnknownTypeError}. */
export function messageType(typeUrl: string, path = '$'): protobuf.Type {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  try {
    return protoRoot().lookupType(name);
  } catch {
    throw new UnknownTypeError(typeUrl, path);
  }
}

/** Error for a field name the message type does not have (protobufjs would drop it silently). */
export class UnknownFieldError extends Error {
  readonly code = 'MB0802';
  constructor(
    readonly typeName: string,
    readonly path: string,
  ) {
    super(`${path}: ${typeName} has no such field`);
  }
}

/** Checks every key of `value` against `type`, following nested messages and Anys. */
function checkFields(type: protobuf.Type, value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') return;
  if (type.fullName === '.google.protobuf.Any') {
    const typeUrl = (value as Record<string, unknown>)['@type'];
    if (typeof typeUrl !== 'string') return;
    const inner = messageType(typeUrl, path);
    const { '@type': _ignored, ...rest } = value as Record<string, unknown>;
    checkFields(inner, rest, path);
    return;
  }
  const fields = type.fields;
  for (const [key, v] of Object.entries(value)) {
    const field = fields[key];
    if (!field) throw new UnknownFieldError(type.fullName.slice(1), `${path}.${key}`);
    if (!field.resolved) field.resolve();
    const child = field.resolvedType;
    if (!(child instanceof protobuf.Type)) continue;
    if (field.map && v && typeof v === 'object') {
      for (const [k, mv] of Object.entries(v)) checkFields(child, mv, `${path}.${key}[${k}]`);
    } else if (field.repeated && Array.isArray(v)) {
      v.forEach((item, i) => checkFields(child, item, `${path}.${key}[${i}]`));
    } else {
      checkFields(child, v, `${path}.${key}`);
    }
  }
}

/** An encoded Any, the form grpc-js sends inside a DiscoveryResponse. */
export interface EncodedAny {
  readonly type_url: string;
  readonly value: Uint8Array;
}

/**
 * Encodes a resource (protobuf object form, nested Anys as `{'@type', ...}`) as an Any of `typeUrl`. Throws
 * {@link UnknownTypeError} when any nested `@type` is not loaded and {@link UnknownFieldError} for a field name
 * the type does not have (protobufjs would drop both silently).
 */
export function encodeAny(typeUrl: string, resource: XdsObject): EncodedAny {
  const cached = encoded.get(resource);
  if (cached?.type_url === typeUrl) return cached;
  const type = messageType(typeUrl);
  checkFields(type, resource, '$');
  const message = type.fromObject(resource);
  const any = { type_url: typeUrl, value: type.encode(message).finish() };
  encoded.set(resource, any);
  return any;
}

// Translation output is immutable and reused across proxies and snapshots (translate/reuse.ts), so an object is
// checked and encoded once.
const encoded = new WeakMap<XdsObject, EncodedAny>();

/** Decodes an Any back to a plain object (nested Anys expanded to `{'@type', ...}`); for tests and debugging. */
export function decodeAny(any: { type_url: string; value: Uint8Array }): Record<string, unknown> {
  const type = messageType(any.type_url);
  return type.toObject(type.decode(any.value), { json: true, enums: String, longs: Number, defaults: false });
}
