/**
 * Authentication at the edge: every route declares `config.access` (`public`, `read` or `mutation`; undeclared means
 * `read`, i.e. a token is needed; the not-found handler stays public so unknown URLs answer 404); the hook
 * resolves the bearer token, else the web UI's session cookie, to a principal or refuses with 401. A write
 * authenticated by the cookie must carry the session's CSRF secret in a header (a cross-site form or script cannot
 * set it), else 403 MB9014. A refused mutation is audited here (once), since its handler never runs. The presented
 * token, cookie and CSRF secret are only compared or hashed, never logged or echoed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MgmtError } from '../errors.js';
import type { Principal } from '../auth/roles.js';
import { authenticate } from '../auth/tokens.js';
import type { MgmtDeps } from '../service/context.js';
import { cookieValue, CSRF_HEADER, csrfMatches, SESSION_COOKIE } from '../auth/sign-in.js';
import type { SignIn } from '../auth/sign-in.js';

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
    /** The CSRF secret of the browser session that authenticated the request (cookie sign-in only). */
    sessionCsrf?: string;
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
export function installAuth(app: FastifyInstance, deps: MgmtDeps, signIn: SignIn): void {
  const refuse = async (req: FastifyRequest, actor: string, outcome: 'unauthenticated' | 'denied', err: MgmtError) => {
    req.auditOwned = true;
    await deps.store.audit({
      at: new Date().toISOString(),
      actor,
      action: `${req.method} ${req.routeOptions.url ?? req.url}`,
      target: outcome === 'denied' ? '(no CSRF header)' : '(unauthenticated)',
      outcome,
      detail: `${err.code}: ${err.message}`,
    });
    throw err;
  };
  app.addHook('onRequest', async (req) => {
    // Secure by default: a route that does not declare its access level needs a valid token.
    const access = req.routeOptions.config?.access ?? (req.routeOptions.url === undefined ? 'public' : 'read');
    if (access === 'public') return;
    const token = bearerOf(req);
    const sessionId = token === undefined ? cookieValue(req.headers.cookie, SESSION_COOKIE) : undefined;
    const session = sessionId === undefined ? undefined : await signIn.session(sessionId);
    if (session !== undefined) {
      if (access === 'mutation' && !csrfMatches(session, req.headers[CSRF_HEADER])) {
        const err = new MgmtError('MB9014', `a write from a browser session must carry the ${CSRF_HEADER} header`);
        await refuse(req, session.principal.name, 'denied', err);
      }
      req.principal = session.principal;
      req.sessionCsrf = session.csrf;
      return;
    }
    const principal = token === undefined ? undefined : await authenticate(deps.store, token);
    if (principal !== undefined) {
      req.principal = principal;
      return;
    }
    const message =
      token !== undefined
        ? 'the bearer token is not valid'
        : sessionId !== undefined
          ? 'the browser session is not valid or has expired: sign in again'
          : 'a bearer token is required (Authorization: Bearer <token>)';
    const err = new MgmtError('MB9001', message);
    if (access === 'mutation') await refuse(req, 'anonymous', 'unauthenticated', err);
    throw err;
  });
}
