/** `GET /v2/audit[?limit=N]`: the latest audit records (who, what, when, outcome), for an all-organizations admin. */
import type { FastifyInstance } from 'fastify';
import { MgmtError } from '../errors.js';
import { canReadAudit } from '../auth/roles.js';
import type { MgmtDeps } from '../service/context.js';
import { principalOf } from './auth-hook.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** Registers the audit route. */
export function registerAuditRoutes(app: FastifyInstance, deps: MgmtDeps): void {
  app.get(
    '/v2/audit',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Latest audit records, oldest first (org-admin for all organizations only)',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT } } },
        response: {
          200: {
            type: 'object',
            properties: {
              records: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    at: { type: 'string' },
                    actor: { type: 'string' },
                    action: { type: 'string' },
                    target: { type: 'string' },
                    outcome: { enum: ['success', 'denied', 'unauthenticated', 'rejected', 'error'] },
                    detail: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      if (!canReadAudit(principal)) {
        throw new MgmtError(
          'MB9002',
          `role ${principal.role} may not read the audit log (org-admin of all organizations only)`,
        );
      }
      const raw = (req.query as { limit?: string }).limit;
      const limit = raw === undefined ? DEFAULT_LIMIT : Number(raw);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new MgmtError('MB9007', `limit must be an integer from 1 to ${MAX_LIMIT}`);
      }
      return { records: await deps.store.listAudit({ limit }) };
    },
  );
}
