/** Configuration routes: `POST /v2/apply`, `POST /v2/delete`, `GET /v2/objects[...]`. */
import type { FastifyInstance } from 'fastify';
import { resolveKindName } from '../../api/index.js';
import { MgmtError } from '../errors.js';
import { describeRef, isMgmtKind, refFromSegments } from '../model.js';
import type { MgmtKind, ObjectFilter } from '../model.js';
import { applyObjects } from '../service/apply.js';
import { deleteObjects } from '../service/delete.js';
import type { MgmtDeps } from '../service/context.js';
import { presentObject } from '../service/present.js';
import { principalOf } from './auth-hook.js';
import { anyObjectSchema, ref } from './openapi.js';

function objectsOf(body: unknown): unknown[] {
  const objects = (body as { objects?: unknown } | null)?.objects;
  if (!Array.isArray(objects)) throw new MgmtError('MB9007', 'body must be {"objects": [...]}');
  return objects;
}

/** Resolves a kind as typed by a user (`WorkspaceSetting`, `wss`, `workspacesettings`) to a mgmt kind. */
export function mgmtKindOf(name: string): MgmtKind {
  const kind = isMgmtKind(name) ? name : resolveKindName(name)?.kind;
  if (!isMgmtKind(kind)) throw new MgmtError('MB9007', `${name} is not a management-plane kind`);
  return kind;
}

const errorResponses = { '4xx': ref('Error') };

/** Registers the configuration routes. */
export function registerConfigRoutes(app: FastifyInstance, deps: MgmtDeps): void {
  registerConfigWrites(app, deps);
  registerConfigReads(app, deps);
}

/** `POST /v2/apply` and `POST /v2/delete`: transactions, audited by the service layer (`auditOwned`). */
function registerConfigWrites(app: FastifyInstance, deps: MgmtDeps): void {
  app.post(
    '/v2/apply',
    {
      config: { access: 'mutation' },
      schema: {
        summary: 'Apply objects in one transaction (all or nothing)',
        body: {
          type: 'object',
          required: ['objects'],
          properties: { objects: { type: 'array', items: anyObjectSchema } },
        },
        response: { 200: { type: 'object' }, ...errorResponses },
      },
    },
    async (req) => {
      req.auditOwned = true;
      return applyObjects({ ...deps, principal: principalOf(req) }, objectsOf(req.body));
    },
  );

  app.post(
    '/v2/delete',
    {
      config: { access: 'mutation' },
      schema: {
        summary: 'Delete objects (full objects or refs) in one transaction; children before parents',
        body: {
          type: 'object',
          required: ['objects'],
          properties: { objects: { type: 'array' }, ignoreNotFound: { type: 'boolean' } },
        },
        response: { 200: { type: 'object' }, ...errorResponses },
      },
    },
    async (req) => {
      req.auditOwned = true;
      const ignoreNotFound = (req.body as { ignoreNotFound?: unknown } | null)?.ignoreNotFound === true;
      return deleteObjects({ ...deps, principal: principalOf(req) }, objectsOf(req.body), { ignoreNotFound });
    },
  );
}

/** `GET /v2/objects` (filtered list) and `GET /v2/objects/<Kind>/<path>` (one object). */
function registerConfigReads(app: FastifyInstance, deps: MgmtDeps): void {
  app.get(
    '/v2/objects',
    {
      config: { access: 'read' },
      schema: {
        summary: 'List objects, optionally filtered',
        querystring: {
          type: 'object',
          properties: {
            kind: { type: 'string' },
            organization: { type: 'string' },
            tenant: { type: 'string' },
            workspace: { type: 'string' },
            name: { type: 'string' },
          },
        },
        response: { 200: { type: 'object', properties: { objects: { type: 'array', items: anyObjectSchema } } } },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const filter: ObjectFilter = {};
      if (q.kind !== undefined) filter.kind = mgmtKindOf(q.kind);
      for (const f of ['organization', 'tenant', 'workspace', 'name'] as const) {
        if (typeof q[f] === 'string') filter[f] = q[f];
      }
      const objects = await deps.store.list(filter);
      return { objects: objects.map(presentObject) };
    },
  );

  app.get(
    '/v2/objects/:kind/*',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Get one object: /v2/objects/<Kind>/<org>/<tenant?>/<workspace?>/<name>',
        response: { 200: anyObjectSchema, ...errorResponses },
      },
    },
    async (req) => {
      const { kind: kindName, '*': rest } = req.params as { kind: string; '*': string };
      const kind = mgmtKindOf(kindName);
      const target = refFromSegments(kind, rest.split('/'));
      if (target === undefined) {
        throw new MgmtError(
          'MB9007',
          `${kind} is addressed as /v2/objects/${kind}/<org>/<tenant?>/<workspace?>/<name>`,
        );
      }
      const stored = await deps.store.get(target);
      if (stored === undefined) throw new MgmtError('MB9005', `${describeRef(target)} does not exist`);
      return presentObject(stored);
    },
  );
}
