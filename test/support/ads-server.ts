/**
 * A small real ADS server for tests (state of the world): serves fixed contract-C resources over
 * grpc-js with the Envoy protos, pushes on `set`, and records every request so tests can assert ACK/NACK.
 */
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, encodeAny, TYPE_URLS, type ResourceKind } from '../../src/xds/index.js';

/** A request as received (snake_case). */
export interface SeenRequest {
  type_url: string;
  version_info: string;
  response_nonce: string;
  resource_names: string[];
  error_detail?: { code: number; message: string } | null;
  node?: { id?: string };
}

type Stream = grpc.ServerDuplexStream<SeenRequest, unknown>;

/** The running server. */
export interface TestAdsServer {
  address: string;
  requests: SeenRequest[];
  /** Replaces the resources of one kind (raw objects, or pre-encoded Any to send invalid bytes) and pushes. */
  set(kind: ResourceKind, resources: Array<Record<string, unknown> | { type_url: string; value: Buffer }>): string;
  /** Resolves when a request for `kind` matching `pred` arrives. */
  waitFor(pred: (r: SeenRequest) => boolean, timeoutMs?: number): Promise<SeenRequest>;
  close(): Promise<void>;
}

/** Starts the server on `host` (default 127.0.0.1), port 0. */
export async function startTestAdsServer(host = '127.0.0.1', port = 0): Promise<TestAdsServer> {
  const server = new grpc.Server();
  const requests: SeenRequest[] = [];
  const waiters: Array<{ pred: (r: SeenRequest) => boolean; resolve: (r: SeenRequest) => void }> = [];
  const current = new Map<
    ResourceKind,
    { version: string; resources: Array<{ type_url: string; value: Uint8Array }> }
  >();
  const streams = new Set<Stream>();
  let version = 0;
  let nonce = 0;

  const send = (stream: Stream, kind: ResourceKind): void => {
    const c = current.get(kind);
    if (!c) return;
    stream.write({
      version_info: c.version,
      type_url: TYPE_URLS[kind],
      resources: c.resources,
      nonce: String(++nonce),
    });
  };
  const kindOf = (url: string): ResourceKind | undefined =>
    (Object.keys(TYPE_URLS) as ResourceKind[]).find((k) => TYPE_URLS[k] === url);

  server.addService(adsServiceDefinition(), {
    StreamAggregatedResources: (stream: Stream) => {
      streams.add(stream);
      const subscribed = new Map<ResourceKind, string>();
      stream.on('data', (req: SeenRequest) => {
        requests.push(req);
        for (const w of [...waiters]) {
          if (w.pred(req)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(req);
          }
        }
        const kind = kindOf(req.type_url);
        if (!kind) return;
        // First request of a type, or a changed list of names: (re)send. ACKs and NACKs get nothing.
        const names = [...(req.resource_names ?? [])].sort().join(',');
        if (subscribed.get(kind) !== names) {
          subscribed.set(kind, names);
          send(stream, kind);
        }
      });
      stream.on('error', () => streams.delete(stream));
      stream.on('end', () => {
        streams.delete(stream);
        stream.end();
      });
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `${host}:${bound}`,
    requests,
    set(kind, resources) {
      const v = `v${++version}`;
      current.set(kind, {
        version: v,
        resources: resources.map((r) =>
          'type_url' in r && Buffer.isBuffer(r.value)
            ? (r as { type_url: string; value: Buffer })
            : encodeAny(TYPE_URLS[kind], r as Record<string, unknown>),
        ),
      });
      for (const s of streams) send(s, kind);
      return v;
    },
    waitFor(pred, timeoutMs = 10_000) {
      const hit = requests.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error('timed out waiting for an xDS request'));
          }
        }, timeoutMs).unref();
      });
    },
    async close() {
      for (const s of streams) s.destroy();
      server.forceShutdown();
    },
  };
}
