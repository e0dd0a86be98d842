/**
 * Mounts the web UI on the management plane's fastify server: the page under /ui/ and its data routes under
 * /ui/api/. Configuration and objects are read and written by the page itself through the management API
 * (/v2/...) with the user's token; these routes only add what the API does not hold: live traffic (topology and
 * failover timeline) and what the clusters' own APIs report (gateway addresses, services, generated entries).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TopologySource } from '../telemetry/topology.js';
import { MgmtError } from '../errors.js';
import type { MgmtCode } from '../errors.js';
import { readStatic } from './static-files.js';
import { UnknownClusterError } from './failover-source.js';
import type { ClusterInventory, FailoverView, SessionView } from './wire.js';

/** A caller as the management plane's token check sees it. */
export interface UiPrincipal {
  name: string;
  role: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How the management plane's authentication hook treats the route (see src/mgmt/http/auth-hook.ts). */
    access?: 'public' | 'read' | 'mutation';
  }
}

/** What the UI needs from its host. */
export interface UiDeps {
  /** Live traffic: a MetricsCollector (local clusters) or a PrometheusTopology (production). */
  topology: TopologySource;
  /** Per-cluster facts from the clusters' APIs; omitted, the Clusters pane shows the Cluster objects only. */
  inventory?: () => Promise<ClusterInventory[]>;
  /**
   * The failover view's priority table for `service.namespace` as clients in cluster `from` get it (the
   * federation's `explain failover`; see federationFailover). Omitted, GET /ui/api/failover answers 404. May
   * throw UnknownClusterError (404); other errors answer 502 (the clusters or configuration could not be read).
   */
  failover?: (service: string, namespace: string, from: string) => Promise<FailoverView>;
  /**
   * Resolves a bearer token to a principal (undefined = invalid). When omitted the data routes are open, which
   * only suits a server bound to loopback for one user.
   */
  authenticate?: (token: string) => Promise<UiPrincipal | undefined> | UiPrincipal | undefined;
  /**
   * Whether a role may use the editors (the API enforces roles anyway; this only greys out controls). Default:
   * org-admin, the only role that may write the OrganizationSetting holding network reachability.
   */
  canEdit?: (role: string) => boolean;
  /** Folder holding index.html, style.css and dist/ (default: the repository's ui/). */
  uiDir?: string;
}

/** Kubernetes object names (DNS-1123 subdomain): what a service, namespace or cluster name may be. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/**
 * Answers with a management-plane error: the catalogue's code and HTTP status (or `status` where the UI's answer
 * differs, e.g. 502 when a cluster could not be read), the body every management API error has.
 */
function refuse(reply: FastifyReply, code: MgmtCode, message: string, status?: number): FastifyReply {
  const err = new MgmtError(code, message, [], status);
  return reply.code(err.status).send(err.toBody());
}

/** Registers the UI routes. Call once, before `listen`. */
export async function registerUi(app: FastifyInstance, deps: UiDeps): Promise<void> {
  const canEdit = deps.canEdit ?? ((role: string) => role === 'org-admin');

  // Inside the management plane its authentication hook has already resolved the token (and answered 401 without
  // one); elsewhere `deps.authenticate` does, with the same answer: 401 and code MB9001.
  const principalOf = async (req: FastifyRequest, reply: FastifyReply): Promise<UiPrincipal | undefined> => {
    const resolved = (req as FastifyRequest & { principal?: UiPrincipal }).principal;
    if (resolved !== undefined) return resolved;
    if (deps.authenticate === undefined) return { name: 'local', role: 'org-admin' };
    const token = bearer(req);
    const principal = token === undefined ? undefined : await deps.authenticate(token);
    if (principal === undefined) {
      await refuse(reply, 'MB9001', 'unauthenticated: a valid bearer token is required');
    }
    return principal;
  };

  // The page and its scripts are public (they hold no data and ask for a token); data routes are reads.
  const page = { config: { access: 'public' as const } };
  const read = { config: { access: 'read' as const } };

  app.get('/ui', page, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui/*', page, async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    if (path.startsWith('api/')) return refuse(reply, 'MB9008', 'route not found');
    const file = await readStatic(path, deps.uiDir);
    if (file === undefined) return refuse(reply, 'MB9008', 'route not found');
    // The page is tiny and changes with each build; never let a browser run stale modules against new routes.
    return reply.header('cache-control', 'no-cache').type(file.type).send(file.body);
  });

  app.get('/ui/api/session', read, async (req, reply) => {
    const p = await principalOf(req, reply);
    if (p === undefined) return reply;
    // A cookie session learns its CSRF secret here (same-origin only: the page cannot read the HttpOnly cookie).
    const csrf = (req as FastifyRequest & { sessionCsrf?: string }).sessionCsrf;
    const view: SessionView = { name: p.name, role: p.role, canEdit: canEdit(p.role), ...(csrf ? { csrf } : {}) };
    return view;
  });

  app.get('/ui/api/topology', read, async (req, reply) => {
    if ((await principalOf(req, reply)) === undefined) return reply;
    return deps.topology.topology();
  });

  app.get('/ui/api/failover', read, async (req, reply) => {
    if ((await principalOf(req, reply)) === undefined) return reply;
    const { service, namespace, from } = req.query as Record<string, unknown>;
    if (typeof service !== 'string' || typeof namespace !== 'string' || typeof from !== 'string') {
      return refuse(reply, 'MB9007', 'service, namespace and from are required');
    }
    if (![service, namespace, from].every((v) => NAME.test(v))) {
      return refuse(reply, 'MB9007', 'service, namespace and from must be DNS-1123 names');
    }
    if (deps.failover === undefined) {
      return refuse(reply, 'MB9005', 'this server has no failover source');
    }
    try {
      return await deps.failover(service, namespace, from);
    } catch (err) {
      if (err instanceof UnknownClusterError) return refuse(reply, err.code, err.message);
      req.log.warn({ err }, 'failover view failed');
      return refuse(reply, 'MB9009', `cannot compute the failover: ${(err as Error).message}`, 502);
    }
  });

  app.get('/ui/api/inventory', read, async (req, reply) => {
    if ((await principalOf(req, reply)) === undefined) return reply;
    return { clusters: deps.inventory ? await deps.inventory() : [] };
  });
}
