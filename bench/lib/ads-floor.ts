/**
 * The transport floor of the scale benchmark: an ADS server that does nothing but answer each proxy's first request
 * of a type with one response encoded before the clients connect, as large as the control plane's answer to that
 * proxy (the same translation of the same world, encoded the same way). The same light clients sync from it, so its
 * initial sync is what moving those bytes through gRPC costs on this machine, with no control plane at all: the
 * control plane's own share is the difference. ACKs are read and ignored.
 */
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Snapshot } from '../../src/mesh/snapshot.js';
import { proxyFromNode } from '../../src/mesh/proxy.js';
import { translate } from '../../src/mesh/translate/index.js';
import { resourceName, type XdsResources } from '../../src/mesh/xds-types.js';
import { resourceVersion } from '../../src/mesh/ads/resource-diff.js';
import {
  adsServiceDefinition,
  encodeAny,
  encodeDeltaDiscoveryResponse,
  encodeDiscoveryResponse,
  TYPE_URLS,
} from '../../src/xds/index.js';

const FIELDS: readonly (readonly [string, keyof XdsResources])[] = [
  [TYPE_URLS.cluster, 'clusters'],
  [TYPE_URLS.endpoint, 'endpoints'],
  [TYPE_URLS.listener, 'listeners'],
  [TYPE_URLS.route, 'routes'],
];

/** Each type's first response to the proxy `nodeId`, encoded for `protocol`. */
export function firstResponses(snapshot: Snapshot, nodeId: string, protocol: 'sotw' | 'delta'): Map<string, Buffer> {
  const proxy = proxyFromNode({ id: nodeId, locality: { region: 'r1' }, metadata: {} }, snapshot);
  // The light clients subscribe to LDS by wildcard and to RDS `outbound`, which the translation always makes.
  const resources = translate(snapshot, proxy, { listenerNames: [] });
  const out = new Map<string, Buffer>();
  for (const [typeUrl, field] of FIELDS) {
    const list = resources[field];
    out.set(
      typeUrl,
      protocol === 'delta'
        ? encodeDeltaDiscoveryResponse({
            system_version_info: '1',
            resources: list.map((r) => ({
              name: resourceName(r),
              version: resourceVersion(r),
              resource: encodeAny(typeUrl, r),
            })),
            type_url: typeUrl,
            nonce: '1',
            removed_resources: [],
          })
        : encodeDiscoveryResponse({
            version_info: '1',
            resources: list.map((r) => encodeAny(typeUrl, r)),
            type_url: typeUrl,
            nonce: '1',
          }),
    );
  }
  return out;
}

/** Starts the floor server on `host` (an ephemeral port). */
export async function startFloorServer(
  host: string,
  responses: ReadonlyMap<string, Buffer>,
): Promise<{ address: string; close: () => void }> {
  const def = adsServiceDefinition();
  const server = new Server();
  const handler = (call: ServerDuplexStream<{ type_url?: string; response_nonce?: string }, Buffer>) => {
    const answered = new Set<string>();
    call.on('data', (req) => {
      const typeUrl = req.type_url ?? '';
      if (req.response_nonce || answered.has(typeUrl)) return;
      answered.add(typeUrl);
      const bytes = responses.get(typeUrl);
      if (bytes) call.write(bytes);
    });
    call.on('end', () => call.end());
    call.on('error', () => {});
  };
  // The responses are already encoded: the serializer passes them through.
  const pass = (b: Buffer) => b;
  server.addService(
    {
      StreamAggregatedResources: { ...def.StreamAggregatedResources, responseSerialize: pass },
      DeltaAggregatedResources: { ...def.DeltaAggregatedResources, responseSerialize: pass },
    } as unknown as typeof def,
    { StreamAggregatedResources: handler, DeltaAggregatedResources: handler },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { address: `${host}:${port}`, close: () => server.forceShutdown() };
}
