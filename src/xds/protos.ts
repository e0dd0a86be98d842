/**
 * The Envoy v3 protos of contract C, loaded once into one protobufjs Root for both sides: the control plane
 * encodes translation output with it, the data plane decodes what it receives, and the ADS service definition
 * (ads.ts) serialises with it. The files come from the copies shipped in `@grpc/grpc-js-xds/deps`.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const DEPS = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');

/**
 * Include dirs, searched in order. protobufjs bundles the common google/protobuf types but not descriptor.proto
 * (which the validate and udpa annotations import); its package ships the .proto file, so its folder is last.
 */
export const PROTO_INCLUDE_DIRS: readonly string[] = Object.freeze([
  ...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(DEPS, d)),
  dirname(require.resolve('protobufjs/package.json')),
]);

/**
 * Every proto file of contract C: ADS itself, the four resource types, and each extension a translated resource
 * may nest in an Any (type-urls.ts lists their type URLs; a test checks each one resolves here).
 */
export const PROTO_FILES: readonly string[] = Object.freeze([
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

/** The loaded Root (snake_case field names, as in Envoy's docs and the translation output); loaded on first use. */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (origin, target) => {
    for (const dir of PROTO_INCLUDE_DIRS) {
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

/** The message type a type URL names (`type.googleapis.com/<full name>`), or undefined when it is not loaded. */
export function typeForUrl(typeUrl: string): protobuf.Type | undefined {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  try {
    return protoRoot().lookupType(name);
  } catch {
    return undefined;
  }
}
