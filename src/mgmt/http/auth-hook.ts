/**
 * Authentication at the edge: every route declares `config.access` (`public`, `read` or `mutation`; undeclared means
 * `read`, i.e. a token is needed; the not-found handler stays public so unknown URLs answer 404); the hook
 * resolves the bearer token to a principal or refuses with 401. A refused mutation is audited here (once), since
 * its handler never runs. The presented token is only hashed, never logged or echoed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MgmtError } from '../errors.js';
import type { Principal } from '../auth/roles.js';
import { authenticate } from '../auth/tokens.js';
import type { MgmtDeps } from '../service/context.js';

/** How a route is protected. */
export type Access = 'public' | 'read' | 'mutation';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
    /** Set once the mutation's audit record is the responsibility of a handler or this hook. */
    auditOwned?: boolean;
  }
}

/** The bearer token of a request, or undefined. */
function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** The principal of an authenticated request (routes with access other than `public`). */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === undefined) throw new MgmtError('MB9001', 'a valid bearer token is required');
  return req.principal;
}

/** Installs the authentication hook. */
export function installAuth(app: FastifyInstance, deps: MgmtDeps): void {
  app.addHook('onRequest', async (req) => {
    // Secure by default: a route that does not declare its access level needs a valid token.
    const access = req.routeOptions.config?.access ?? (req.routeOptions.url === undefined ? 'public' : 'read');
    if (access === 'public') return;
    const token = bearerOf(req);
    const principal = token === undefined ? undefined : await authenticate(deps.store, token);
    if (principal !== undefined) {
      req.principal = principal;
      return;
    }
    const message =
      token === undefined
        ? 'a bearer token is required (Authorization: Bearer <token>)'
        : 'the bearer token is not valid';
    if (access === 'mutation') {
      req.auditOwned = true;
      await deps.store.audit({
        at: new Date().toISOString(),
        actor: 'anonymous',
        action: `${req.method} ${req.routeOptions.url ?? req.url}`,
        target: '(unauthenticated)',
        outcome: 'unauthenticated',
        detail: `MB9001: ${message}`,
      });
    }
    throw new MgmtError('MB9001', message);
  });
}
