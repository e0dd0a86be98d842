/**
 * `GET /v2/snapshot[?after=R&wait=S]`: every object and the revision they form. With `after`, the call waits
 * (long poll) until the revision moves past `after` or `wait` seconds pass, then answers with the current snapshot.
 */
import type { FastifyInstance } from 'fastify';
import { MgmtError } from '../errors.js';
import type { MgmtDeps } from '../service/context.js';
import { presentObject } from '../service/present.js';
import { anyObjectSchema } from './openapi.js';

/** Longest accepted `wait`, in seconds (below common proxy idle timeouts). */
export const MAX_WAIT_SECONDS = 60;
const DEFAULT_WAIT_SECONDS = 30;

function intParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new MgmtError('MB9007', `${name} must be a non-negative integer`);
  return n;
}

/** Registers the snapshot route. */
export function registerWatchRoutes(app: FastifyInstance, deps: MgmtDeps): void {
  app.get(
    '/v2/snapshot',
    {
      config: { access: 'read' },
      schema: {
        summary: 'All objects and their revision; long poll with after/wait',
        querystring: {
          type: 'object',
          properties: { after: { type: 'integer', minimum: 0 }, wait: { type: 'integer', minimum: 0, maximum: 60 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { revision: { type: 'integer' }, objects: { type: 'array', items: anyObjectSchema } },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, unknown>;
      const after = intParam(q.after, 'after');
      const wait = Math.min(intParam(q.wait, 'wait') ?? DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS);
      if (after !== undefined && (await deps.store.revision()) <= after) {
        // Stop waiting when the client goes away so abandoned polls hold no timer.
        const gone = new AbortController();
        const onClose = (): void => gone.abort();
        req.raw.once('close', onClose);
        try {
          await deps.notifier.waitPast(after, wait * 1000, gone.signal);
        } finally {
          req.raw.off('close', onClose);
        }
      }
      const snap = await deps.store.snapshot();
      return { revision: snap.revision, objects: snap.objects.map(presentObject) };
    },
  );
}
