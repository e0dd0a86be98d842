/**
 * The Kubernetes-compatible HTTP API of one embedded cluster (plain `node:http`, JSON only, no auth checks: it
 * listens on loopback). Routes: `/version`, `/healthz`, discovery, and the resource paths
 * `/api/v1/...` and `/apis/<group>/<version>/...` for every served kind, including watch, Table output and the
 * `status` / `scale` subresources, and a schema-less OpenAPI v3 index (see openapi.ts); `/openapi/v2` is 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { ClusterStore } from '../store/cluster-store.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, servedKind } from './discovery.js';
import { Resources, type PatchType, type Target } from './resources.js';
import { fieldMatcher, labelMatcher, type Matcher } from './selectors.js';
import { ApiError } from './status.js';
import { toTable } from './table.js';
import { openApiV3Document, openApiV3Root } from './openapi.js';
import { decodeKubeProtobuf, isKubeProtobuf } from './protobuf.js';
import { serveWatch } from './watch.js';

/** Options of the API server; frozen at construction. */
export interface ApiServerOptions {
  readonly store: ClusterStore;
  /** Loopback host to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /** Reported by `/version` (`gitVersion`). */
  readonly version?: string;
  /** Milliseconds between watch bookmarks. */
  readonly bookmarkIntervalMs?: number;
  /** Handles requests outside the generic resource API first (pod logs, exec context); true when it answered. */
  readonly extension?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
}

const MAX_BODY = 10 * 1024 * 1024;

/** A running API server. */
export interface ApiServer {
  readonly url: string;
  /**
   * Ends every open watch cleanly (the stream completes), as an apiserver does when a watch reaches its timeout;
   * clients then resume from the last version they saw.
   */
  endWatches(): void;
  close(): Promise<void>;
}

type Route = { type: 'doc'; body: Record<string, unknown> } | { type: 'resource'; target: Target };

function notFoundRoute(): ApiError {
  return new ApiError('NotFound', 'the server could not find the requested resource');
}

/** Maps a URL path to a discovery document or a resource target. */
export function route(path: string, serverAddress: string): Route {
  const segs = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { type: 'doc', body: apiVersions(serverAddress) };
    [group, version, rest] = ['', segs[1] ?? '', segs.slice(2)];
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { type: 'doc', body: apiGroupList() };
    const g = apiGroup(segs[1] ?? '');
    if (!g) throw notFoundRoute();
    if (segs.length === 2) return { type: 'doc', body: g };
    [group, version, rest] = [segs[1] ?? '', segs[2] ?? '', segs.slice(3)];
  } else throw notFoundRoute();
  if (rest.length === 0) {
    const list = apiResourceList(group, version);
    if (!list) throw notFoundRoute();
    return { type: 'doc', body: list };
  }
  let namespace: string | undefined;
  const nsSub = group === '' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !nsSub) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) throw notFoundRoute();
  const [plural, name, subresource] = rest as [string, string | undefined, string | undefined];
  const kind = servedKind(group, version, plural);
  if (!kind || (!kind.namespaced && namespace !== undefined)) throw notFoundRoute();
  if (subresource && subresource !== 'status' && !(subresource === 'scale' && plural === 'deployments')) {
    throw notFoundRoute();
  }
  return { type: 'resource', target: { kind, version, namespace, name, subresource } };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError('BadRequest', 'request body too large');
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (type.includes('protobuf') && isKubeProtobuf(raw)) return decodeKubeProtobuf(raw);
  if (type.includes('protobuf') || type.includes('cbor')) {
    throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format: ${type}`);
  }
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return type.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ApiError('BadRequest', `malformed request body: ${(err as Error).message}`);
  }
}

function patchType(contentType: string | undefined): PatchType {
  const type = (contentType ?? '').split(';')[0]?.trim();
  switch (type) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/json-patch+json':
      return 'json';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply';
    default:
      throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format: ${type ?? ''}`);
  }
}

function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? '');
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the API server; resolves once it listens. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { store } = options;
  const resources = new Resources(store);
  const watches = new Set<() => void>();
  let serverAddress = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const q = url.searchParams;
    const path = url.pathname;
    if (options.extension?.(req, res, url)) return;
    if (path === '/version') {
      send(res, 200, {
        major: '1',
        minor: '32',
        gitVersion: options.version ?? 'v1.32.0-meshbridge',
        platform: `${process.platform}/${process.arch}`,
      });
      return;
    }
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      const doc = path === '/openapi/v3' ? openApiV3Root() : openApiV3Document(path.slice('/openapi/v3/'.length));
      if (!doc) throw notFoundRoute();
      send(res, 200, doc);
      return;
    }
    const r = route(path, serverAddress);
    if (r.type === 'doc') {
      if (req.method !== 'GET') throw new ApiError('MethodNotAllowed', 'method not allowed');
      send(res, 200, r.body);
      return;
    }
    const { target } = r;
    const dryRun = q.get('dryRun') === 'All';
    const named = target.name;
    switch (req.method) {
      case 'GET': {
        if (named !== undefined) {
          const obj = resources.get({ ...target, name: named });
          const rv = String(store.currentVersion());
          send(res, 200, wantsTable(req) ? toTable(target.kind, [obj], rv, includeObject(q)) : obj);
          return;
        }
        const matches = combine(
          labelMatcher(q.get('labelSelector') ?? undefined),
          fieldMatcher(q.get('fieldSelector') ?? undefined),
        );
        if (q.get('watch') === '1' || q.get('watch') === 'true') {
          const timeout = Number(q.get('timeoutSeconds') ?? 0);
          const end = serveWatch(store, res, {
            target,
            resourceVersion: q.get('resourceVersion') ?? undefined,
            matches,
            bookmarks: q.get('allowWatchBookmarks') === 'true',
            // Like an apiserver's --min-request-timeout: watches end after 30-60 minutes and clients resume.
            timeoutSeconds: timeout > 0 ? timeout : 1800 + Math.floor(Math.random() * 1800),
            bookmarkIntervalMs: options.bookmarkIntervalMs,
          });
          watches.add(end);
          res.once('close', () => watches.delete(end));
          return;
        }
        const rv = String(store.currentVersion());
        const items = resources.list(target).filter(matches);
        if (wantsTable(req)) {
          send(res, 200, toTable(target.kind, items, rv, includeObject(q)));
          return;
        }
        send(res, 200, {
          kind: `${target.kind.kind}List`,
          apiVersion:
            items[0]?.apiVersion ?? (target.kind.group ? `${target.kind.group}/${target.version}` : target.version),
          metadata: { resourceVersion: rv },
          items,
        });
        return;
      }
      case 'POST': {
        if (named !== undefined) throw new ApiError('MethodNotAllowed', 'POST is only allowed on collections');
        send(res, 201, resources.create(target, await readBody(req), dryRun));
        return;
      }
      case 'PUT': {
        if (named === undefined) throw new ApiError('MethodNotAllowed', 'PUT needs a name');
        send(res, 200, resources.update({ ...target, name: named }, await readBody(req), dryRun));
        return;
      }
      case 'PATCH': {
        if (named === undefined) throw new ApiError('MethodNotAllowed', 'PATCH needs a name');
        const type = patchType(req.headers['content-type']);
        const body = await readBody(req);
        const existed =
          type === 'apply' &&
          store.get({ group: target.kind.group, plural: target.kind.plural }, target.namespace, named);
        const out = resources.patch({ ...target, name: named }, body, type, dryRun);
        send(res, type === 'apply' && !existed ? 201 : 200, out);
        return;
      }
      case 'DELETE': {
        await readBody(req);
        if (named === undefined) {
          const matches = combine(
            labelMatcher(q.get('labelSelector') ?? undefined),
            fieldMatcher(q.get('fieldSelector') ?? undefined),
          );
          const items = resources.deleteCollection(target, matches, dryRun);
          send(res, 200, { kind: `${target.kind.kind}List`, apiVersion: 'v1', metadata: {}, items });
          return;
        }
        send(res, 200, resources.delete({ ...target, name: named }, dryRun));
        return;
      }
      default:
        throw new ApiError('MethodNotAllowed', `method ${req.method ?? ''} not allowed`);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const apiErr =
        err instanceof ApiError ? err : new ApiError('InternalError', err instanceof Error ? err.message : String(err));
      if (apiErr.code === 500) process.stderr.write(`api: ${req.method} ${req.url}: ${String(err)}\n`);
      if (res.headersSent) res.end();
      else send(res, apiErr.code, apiErr.toStatus());
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  serverAddress = `${addr.address}:${addr.port}`;
  return {
    url: `http://${serverAddress}`,
    endWatches: () => {
      for (const end of [...watches]) end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function includeObject(q: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function combine(...ms: Matcher[]): Matcher {
  return (o) => ms.every((m) => m(o));
}
