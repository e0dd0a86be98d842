/** Status routes: `PUT /v2/status` (controller reports) and `GET /v2/status[/<Kind>/<fqn>]` (aggregated). */
import type { FastifyInstance } from 'fastify';
import { MgmtError } from '../errors.js';
import type { MgmtDeps } from '../service/context.js';
import { reportStatus, statusList } from '../service/status.js';
import { principalOf } from './auth-hook.js';
import { ref } from './openapi.js';
import { mgmtKindOf } from './routes-config.js';

const statusSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    fqn: { type: 'string' },
    state: { enum: ['ACCEPTED', 'READY', 'PARTIAL', 'FAILED'] },
    message: { type: 'string' },
    clusters: { type: 'object' },
    children: { type: 'array' },
  },
};

/** Registers the status routes. */
export function registerStatusRoutes(app: FastifyInstance, deps: MgmtDeps): void {
  app.put(
    '/v2/status',
    {
      config: { access: 'mutation' },
      schema: {
        summary: "Report an object's per-cluster state (replaces the previous report for that object)",
        body: {
          type: 'object',
          required: ['kind', 'fqn', 'clusters'],
          properties: {
            kind: { type: 'string' },
            fqn: { type: 'string', description: 'e.g. organizations/o/tenants/t/workspaces/w/settings/s' },
            revision: { type: 'integer', description: 'snapshot revision the report was computed from' },
            clusters: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                required: ['state'],
                properties: { state: { enum: ['READY', 'PARTIAL', 'FAILED'] }, message: { type: 'string' } },
              },
            },
          },
        },
        response: { 200: statusSchema, '4xx': ref('Error') },
      },
    },
    async (req) => {
      req.auditOwned = true;
      return reportStatus({ ...deps, principal: principalOf(req) }, req.body);
    },
  );

  app.get(
    '/v2/status',
    {
      config: { access: 'read' },
      schema: { summary: 'Aggregated status of every object', response: { 200: { type: 'object' } } },
    },
    async () => ({ objects: await statusList(deps.store) }),
  );

  app.get(
    '/v2/status/:kind/*',
    {
      config: { access: 'read' },
      schema: { summary: 'Aggregated status of one object by kind and fqn', response: { 200: statusSchema } },
    },
    async (req) => {
      const { kind: kindName, '*': fqn } = req.params as { kind: string; '*': string };
      const kind = mgmtKindOf(kindName);
      const status = (await statusList(deps.store)).find((s) => s.kind === kind && s.fqn === fqn);
      if (status === undefined) throw new MgmtError('MB9005', `${kind}/${fqn} does not exist`);
      return status;
    },
  );
}
