/**
 * The web UI's one-time sign-in: `POST /v2/sign-in-codes` issues a code for the caller (what `local up` prints as a
 * URL), `GET /ui/sign-in?code=` exchanges it for a session cookie and redirects to the UI without the code. The code
 * never reaches a log (see logger.ts) or an audit record.
 */
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../auth/sign-in.js';
import type { SignIn } from '../auth/sign-in.js';
import { MgmtError } from '../errors.js';
import type { MgmtDeps } from '../service/context.js';
import { principalOf } from './auth-hook.js';

/** The path a sign-in URL points at. */
export const SIGN_IN_PATH = '/ui/sign-in';

/** Longest code looked at (codes are 43 characters); anything longer is refused unread. */
const MAX_CODE_LENGTH = 128;

/** Registers the two sign-in routes. */
export function registerSignInRoutes(app: FastifyInstance, deps: MgmtDeps, signIn: SignIn): void {
  app.post(
    '/v2/sign-in-codes',
    {
      config: { access: 'mutation' },
      schema: {
        summary: 'Issue a one-time code that signs a browser in to the web UI as the caller (single use, expires)',
      },
    },
    async (req) => {
      req.auditOwned = true;
      const principal = principalOf(req);
      const { code, expiresAt } = await signIn.issueCode(principal);
      await deps.store.audit({
        at: new Date().toISOString(),
        actor: principal.name,
        action: 'sign-in-code',
        target: `web UI session for ${principal.name} (${principal.role})`,
        outcome: 'success',
        detail: `expires ${expiresAt.toISOString()}`,
      });
      return { path: `${SIGN_IN_PATH}?code=${code}`, expiresAt: expiresAt.toISOString() };
    },
  );

  app.get(
    SIGN_IN_PATH,
    { config: { access: 'public' }, schema: { summary: 'Exchange a one-time code for a web UI session cookie' } },
    async (req, reply) => {
      const code = (req.query as { code?: unknown }).code;
      const redeemed =
        typeof code === 'string' && code.length <= MAX_CODE_LENGTH ? await signIn.redeem(code) : undefined;
      if (redeemed === undefined) {
        throw new MgmtError(
          'MB9001',
          'this sign-in link is not valid: unknown, already used or expired (run `meshbridge local up` for a new one)',
        );
      }
      req.log.info({ actor: redeemed.session.principal.name }, 'web UI sign-in');
      const cookie = [
        `${SESSION_COOKIE}=${redeemed.id}`,
        'Path=/',
        'HttpOnly',
        'Secure',
        'SameSite=Strict',
        `Max-Age=${signIn.sessionMaxAgeSeconds}`,
      ].join('; ');
      // 303: the browser follows with a GET of the UI, and the code leaves the address bar and its history entry.
      return reply.header('set-cookie', cookie).header('cache-control', 'no-store').redirect('/ui/', 303);
    },
  );
}
