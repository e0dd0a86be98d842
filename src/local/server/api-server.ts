/**
 * The Kubernetes-compatible API of one embedded cluster (`node:https` on loopback for a cluster, `node:http` for
 * in-process tests). Every request first passes the guard (guard.ts: own Host, bearer token, body media type), which
 * names the caller (the admin, or a ServiceAccount); then RBAC decides whether that caller may do what the request
 * asks (authorization.ts, before any route, so a denied request learns nothing of what exists); then the routes: `/version`, `/healthz`, discovery, and the resource paths `/api/v1/...` and
 * `/apis/<group>/<version>/...` for every served kind, including watch, Table output and the `status` / `scale`
 * subresources, and a schema-less OpenAPI v3 index (see openapi.ts); `/openapi/v2` is 404. Connection upgrades
 * (the pod `exec` subresource over WebSocket) pass the same guard and are served by upgrade.ts. Resource requests
 * are served per verb by verbs.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ClusterStore } from '../store/cluster-store.js';
import { customKinds } from './custom-kinds.js';
import { notFoundRoute, route } from './request.js';
import { Resources } from './resources.js';
import { createGuard } from './guard.js';
import { AUTHORIZATION_GROUP, serveAccessReview } from './access-review.js';
import { storeAuthorizer } from './authorization.js';
import { requestAttributes } from './request-attributes.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';
import { ApiError } from './status.js';
import { openApiV3Document, openApiV3Root } from './openapi.js';
import { send } from './reply.js';
import { createUpgradeHandler, isStreamPath, type StreamBackend } from './upgrade.js';
import { serveResource } from './verbs.js';

/** Options of the API server; frozen at construction. */
export interface ApiServerOptions {
  readonly store: ClusterStore;
  /**
   * The bearer token every request must carry (the one in the cluster's kubeconfig; at least 43 characters, see
   * `newApiToken`). There is no way to turn authentication off.
   */
  readonly token: string;
  /**
   * Authenticates ServiceAccount tokens (service-account-tokens.ts); their requests are then allowed only what RBAC
   * grants. Without it the admin token is the only credential.
   */
  readonly serviceAccountTokens?: ServiceAccountTokens;
  /**
   * Serve HTTPS with this certificate (tls.ts). A cluster always does (kubectl sends tokens over TLS only);
   * without it the server speaks plain HTTP, which in-process tests with client-node use.
   */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** Loopback host to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /** Reported by `/version` (`gitVersion`). */
  readonly version?: string;
  /** Milliseconds between watch bookmarks. */
  readonly bookmarkIntervalMs?: number;
  /**
   * API groups served by the extension (the metrics API), listed in `/apis` beside the resource groups so clients
   * discover them; each an APIGroup entry (name, versions, preferredVersion).
   */
  readonly extraApiGroups?: readonly Record<string, unknown>[];
  /** Handles requests outside the generic resource API first (pod logs, exec context); true when it answered. */
  readonly extension?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  /**
   * The running pods' containers, for the `exec` subresource; without it every exec is refused with NotFound (an API
   * with no pod runner has no process to run a command in).
   */
  readonly streams?: StreamBackend;
}

const noStreams: StreamBackend = {
  execTarget: (namespace, pod) => {
    throw new ApiError('NotFound', `pod ${namespace}/${pod} has no running container on this server`);
  },
  portForwardTarget: (namespace, pod) => {
    throw new ApiError('NotFound', `pod ${namespace}/${pod} has no running container on this server`);
  },
};

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

/** Answers `/version`, the health checks and the OpenAPI v3 index; false for any other path. */
function serveFixedPath(res: ServerResponse, path: string, options: ApiServerOptions): boolean {
  if (path === '/version') {
    send(res, 200, {
      major: '1',
      minor: '32',
      gitVersion: options.version ?? 'v1.32.0-meshbridge',
      platform: `${process.platform}/${process.arch}`,
    });
    return true;
  }
  if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
    return true;
  }
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    const custom = customKinds(options.store);
    const doc =
      path === '/openapi/v3' ? openApiV3Root(custom) : openApiV3Document(path.slice('/openapi/v3/'.length), custom);
    if (!doc) throw notFoundRoute();
    send(res, 200, doc);
    return true;
  }
  return false;
}

/** Starts the API server; resolves once it listens. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { store } = options;
  const resources = new Resources(store);
  const watches = new Set<() => void>();
  const guard = createGuard({ token: options.token, serviceAccounts: options.serviceAccountTokens });
  const authorizer = storeAuthorizer(store);
  let serverAddress = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const q = url.searchParams;
    const path = url.pathname;
    const user = guard(req, path, serverAddress);
    if (!user) {
      // Only the health paths pass the guard unauthenticated; they answer `ok` and nothing else.
      if (!serveFixedPath(res, path, options)) throw new ApiError('Unauthorized', 'Unauthorized');
      return;
    }
    authorizer.check(user, requestAttributes(req.method ?? 'GET', path, q));
    if (await serveAccessReview({ req, res, path, user, authorizer })) return;
    if (options.extension?.(req, res, url)) return;
    if (isStreamPath(path)) throw new ApiError('BadRequest', 'Upgrade request required');
    if (serveFixedPath(res, path, options)) return;
    const r = route(path, serverAddress, customKinds(store));
    if (r.type === 'doc') {
      if (req.method !== 'GET') throw new ApiError('MethodNotAllowed', 'method not allowed');
      const extra = path === '/apis' ? [...(options.extraApiGroups ?? []), AUTHORIZATION_GROUP] : [];
      const body = r.body as { groups?: unknown[] };
      send(res, 200, extra.length > 0 ? { ...body, groups: [...(body.groups ?? []), ...extra] } : r.body);
      return;
    }
    await serveResource({
      req,
      res,
      q,
      target: { ...r.target, warnings: [] },
      store,
      resources,
      watches,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
    });
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      const apiErr =
        err instanceof ApiError ? err : new ApiError('InternalError', err instanceof Error ? err.message : String(err));
      if (apiErr.code === 500) process.stderr.write(`api: ${req.method} ${req.url}: ${String(err)}\n`);
      if (res.headersSent) res.end();
      else send(res, apiErr.code, apiErr.toStatus());
    });
  };
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, onRequest)
    : createServer(onRequest);
  server.keepAliveTimeout = 30_000;
  const upgrades = createUpgradeHandler({
    guard,
    authorizer,
    backend: options.streams ?? noStreams,
    address: () => serverAddress,
  });
  server.on('upgrade', upgrades);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  serverAddress = `${addr.address}:${addr.port}`;
  return {
    url: `${options.tls ? 'https' : 'http'}://${serverAddress}`,
    endWatches: () => {
      for (const end of [...watches]) end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        upgrades.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
