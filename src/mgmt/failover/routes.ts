/**
 * `GET /v2/failover/events` (the stored flight-recorder events of a service and its episodes) and
 * `GET /v2/failover/metrics` (Prometheus text: `meshbridge_failover_events_total`,
 * `meshbridge_failover_duration_seconds`). Reads, for any authenticated caller: the events hold service, cluster
 * and locality names and counts, as the UI's topology does.
 */
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { MgmtError } from '../errors.js';
import type { MgmtDeps } from '../service/context.js';
import { episodesOf } from './episodes.js';

export const DEFAULT_EVENTS = 1000;
export const MAX_EVENTS = 10_000;
/** Events the metrics read at most (the newest). */
const METRICS_WINDOW = 50_000;

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * `SERVICE.NAMESPACE` or a full `SERVICE.NAMESPACE.svc.cluster.local` -> the FQDN; throws MB9007 naming the
 * parameter otherwise.
 */
export function serviceFqdn(value: string): string {
  const parts = value.split('.');
  const short = parts.length === 2;
  const full = parts.length === 5 && parts.slice(2).join('.') === 'svc.cluster.local';
  if (value.length > 253 || !(short || full) || !LABEL.test(parts[0] ?? '') || !LABEL.test(parts[1] ?? '')) {
    throw new MgmtError('MB9007', `service must be SERVICE.NAMESPACE (DNS-1123 labels), got ${JSON.stringify(value)}`);
  }
  return `${parts[0]}.${parts[1]}.svc.cluster.local`;
}

function intParam(raw: string | undefined, name: string, min: number, max: number, fallback?: number) {
  if (raw === undefined) return fallback;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new MgmtError('MB9007', `${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** Duration buckets (seconds): failovers are expected in well under a second; failbacks take up to minutes. */
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Registers the failover routes. */
export function registerFailoverRoutes(app: FastifyInstance, deps: MgmtDeps): void {
  app.get(
    '/v2/failover/events',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Failover events recorded by the proxies, oldest first, and the episodes read from them',
        querystring: {
          type: 'object',
          properties: {
            service: { type: 'string', maxLength: 253 },
            cluster: { type: 'string', maxLength: 63 },
            since: { type: 'string', maxLength: 16 },
            limit: { type: 'string', maxLength: 5 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req) => {
      const q = req.query as Record<string, string | undefined>;
      const service = q.service === undefined ? undefined : serviceFqdn(q.service);
      if (q.cluster !== undefined && !LABEL.test(q.cluster)) {
        throw new MgmtError('MB9007', 'cluster must be a DNS-1123 label');
      }
      const sinceMs = intParam(q.since, 'since', 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(q.limit, 'limit', 1, MAX_EVENTS, DEFAULT_EVENTS)!;
      const events = await deps.store.listFailoverEvents({
        limit,
        ...(service === undefined ? {} : { service }),
        ...(q.cluster === undefined ? {} : { cluster: q.cluster }),
        ...(sinceMs === undefined ? {} : { sinceMs }),
      });
      return { events, episodes: episodesOf(events) };
    },
  );

  app.get('/v2/failover/metrics', { config: { access: 'read' } }, async (_req, reply) => {
    const events = await deps.store.listFailoverEvents({ limit: METRICS_WINDOW });
    const registry = new client.Registry();
    const total = new client.Counter({
      name: 'meshbridge_failover_events_total',
      help: 'Failover events recorded by the proxies (the newest 50000 stored), by kind, service and client cluster',
      labelNames: ['kind', 'service', 'cluster'] as const,
      registers: [registry],
    });
    const duration = new client.Histogram({
      name: 'meshbridge_failover_duration_seconds',
      help: 'Failover episodes: time to fail over (phase="failover") and time to fail back (phase="failback")',
      labelNames: ['service', 'cluster', 'phase'] as const,
      buckets: BUCKETS,
      registers: [registry],
    });
    for (const e of events) total.inc({ kind: e.kind, service: e.service, cluster: e.source.cluster });
    for (const ep of episodesOf(events)) {
      const labels = { service: ep.service, cluster: ep.source.cluster };
      duration.observe({ ...labels, phase: 'failover' }, ep.timeToFailoverMs / 1000);
      if (ep.timeToFailbackMs !== undefined)
        duration.observe({ ...labels, phase: 'failback' }, ep.timeToFailbackMs / 1000);
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
