/**
 * `PUT /v2/convergence/{cluster}` (the federation controller forwards a cluster's per-object xDS convergence: which
 * revision put each Service in xDS and how many proxies ACKed it) and `GET /v2/convergence` (every cluster's latest
 * report, for `meshbridge status`). Writing takes an org-admin of the Cluster's organization, and the Cluster must
 * be registered, as for status reports; reading is open to any authenticated caller, as status is. The body is
 * checked with the wire contract's zod schema (src/api/convergence.ts), unknown fields refused.
 */
import type { FastifyInstance } from 'fastify';
import { convergenceReportSchema, type StoredConvergence } from '../../api/convergence.js';
import { canReportStatus } from '../auth/roles.js';
import { MgmtError } from '../errors.js';
import { principalOf } from '../http/auth-hook.js';
import type { MgmtDeps } from '../service/context.js';
import { auditFailureAndThrow } from '../service/context.js';

const LABEL = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';

/** Registers the convergence routes. */
export function registerConvergenceRoutes(app: FastifyInstance, deps: MgmtDeps): void {
  app.put(
    '/v2/convergence/:cluster',
    {
      config: { access: 'mutation' },
      schema: {
        summary: "Report a cluster's per-object xDS convergence (the federation controller forwards it)",
        params: { type: 'object', properties: { cluster: { type: 'string', pattern: LABEL } }, required: ['cluster'] },
        body: {
          type: 'object',
          required: ['organization'],
          properties: {
            organization: { type: 'string' },
            items: { type: 'array', description: 'per Service / ServiceEntry host: written, inXds, proxies, acked' },
            unavailable: { type: 'string' },
            omitted: { type: 'integer' },
          },
        },
      },
    },
    async (req) => {
      req.auditOwned = true;
      const { cluster } = req.params as { cluster: string };
      const ctx = { ...deps, principal: principalOf(req) };
      const audit = { actor: ctx.principal.name, action: 'report-convergence', target: cluster };
      try {
        if (!new RegExp(LABEL).test(cluster)) throw new MgmtError('MB9007', 'cluster must be a DNS-1123 label');
        const parsed = convergenceReportSchema.safeParse(req.body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new MgmtError('MB9007', `body.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
        }
        const body = parsed.data;
        const ref = {
          kind: 'Cluster' as const,
          organization: body.organization,
          tenant: '',
          workspace: '',
          name: cluster,
        };
        if (!canReportStatus(ctx.principal, ref)) {
          throw new MgmtError('MB9002', `role ${ctx.principal.role} may not report convergence for ${cluster}`);
        }
        if ((await ctx.store.get(ref)) === undefined) {
          throw new MgmtError('MB9005', `cluster ${cluster} of organization ${body.organization} does not exist`);
        }
        const at = new Date().toISOString();
        const stored: StoredConvergence = { ...body, cluster, updatedAt: at };
        await ctx.store.putConvergence(stored);
        await ctx.store.audit({
          ...audit,
          at,
          outcome: 'success',
          detail: body.items ? `${body.items.length} objects` : `unavailable: ${body.unavailable ?? ''}`,
        });
        return { cluster, updatedAt: at };
      } catch (err) {
        return auditFailureAndThrow(ctx, audit, err);
      }
    },
  );

  app.get(
    '/v2/convergence',
    {
      config: { access: 'read' },
      schema: { summary: "Every cluster's latest per-object xDS convergence", response: { 200: { type: 'object' } } },
    },
    async (req) => {
      const scope = principalOf(req).scope.organization;
      const reports = await deps.store.listConvergence();
      // Only registered clusters (a deregistered one's last report is stale), and only the caller's organization.
      const kept = [];
      for (const r of reports) {
        if (scope !== undefined && r.organization !== scope) continue;
        const ref = {
          kind: 'Cluster' as const,
          organization: r.organization,
          tenant: '',
          workspace: '',
          name: r.cluster,
        };
        if ((await deps.store.get(ref)) !== undefined) kept.push(r);
      }
      return { clusters: kept };
    },
  );
}
