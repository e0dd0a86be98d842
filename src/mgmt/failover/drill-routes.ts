/**
 * `PUT /v2/failover/drills/{id}` (a drill run starts or ends: the federation controller for a scheduled
 * FailoverDrill, the CLI for `meshbridge drill start`) and `GET /v2/failover/drills` (runs, newest first, each with
 * its report from the flight recorders' episodes). Writing a run takes an org-admin of the drill's organization
 * (any org-admin for a run of no FailoverDrill): a run is what a team reads to judge its failover, so nobody else
 * may invent one. Reading is open to any authenticated caller, as the failover events are.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { canReportStatus } from '../auth/roles.js';
import { MgmtError } from '../errors.js';
import { parseFqn } from '../model.js';
import type { CallContext, MgmtDeps } from '../service/context.js';
import { auditFailureAndThrow } from '../service/context.js';
import { principalOf } from '../http/auth-hook.js';
import { drillReport, REPORT_FAILBACK_WINDOW_MS, REPORT_SLACK_BEFORE_MS, type DrillRun } from './drill-run.js';
import { episodesOf } from './episodes.js';
import { MAX_EVENTS, serviceFqdn } from './routes.js';

export const DEFAULT_RUNS = 20;
export const MAX_RUNS = 200;
/** Longest drill (24 h) plus slack: a run planned longer is not a drill. */
const MAX_RUN_MS = 24 * 3_600_000 + 60_000;
/** How far from the server's clock a reported start may be. */
const MAX_CLOCK_SKEW_MS = 24 * 3_600_000;

const RUN_ID = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const runId = z.string().regex(new RegExp(RUN_ID), { error: 'expected a DNS-1123 label' });
const epochMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The body of a PUT. Fastify's route schemas only document the API here (src/mgmt/http/app.ts); this is what
 * checks it, unknown fields included.
 */
const runBody = z.strictObject({
  service: z.string().max(253),
  cluster: runId,
  drill: z.string().max(1024).optional(),
  startedAtMs: epochMs,
  endsAtMs: epochMs,
  endedAtMs: epochMs.optional(),
  endReason: z.string().max(200).optional(),
});
type RunBody = z.infer<typeof runBody>;

/** Parses with a zod schema; MB9007 naming the first bad field otherwise. */
function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = issue?.path.length ? `${what}.${issue.path.join('.')}` : what;
  throw new MgmtError('MB9007', `${at}: ${issue?.message ?? 'invalid'}`);
}

/** Checks what a field alone cannot, and who may write it; returns the run to store. */
async function acceptRun(ctx: CallContext, id: string, body: RunBody, now: number): Promise<DrillRun> {
  const p = ctx.principal;
  if (body.drill !== undefined) {
    const ref = parseFqn('FailoverDrill', body.drill);
    if (ref === undefined) throw new MgmtError('MB9007', `drill is not a FailoverDrill fqn: ${body.drill}`);
    if (!canReportStatus(p, ref)) throw new MgmtError('MB9002', `role ${p.role} may not report runs of ${body.drill}`);
  } else if (p.role !== 'org-admin') {
    throw new MgmtError('MB9002', `role ${p.role} may not report drill runs (an org-admin may)`);
  }
  if (Math.abs(body.startedAtMs - now) > MAX_CLOCK_SKEW_MS) {
    throw new MgmtError('MB9007', 'startedAtMs is more than a day away from the management plane clock');
  }
  if (body.endsAtMs <= body.startedAtMs || body.endsAtMs - body.startedAtMs > MAX_RUN_MS) {
    throw new MgmtError('MB9007', 'endsAtMs must be after startedAtMs, by 24 h at most');
  }
  if (body.endedAtMs !== undefined && (body.endedAtMs < body.startedAtMs || body.endedAtMs > now + 60_000)) {
    throw new MgmtError('MB9007', 'endedAtMs must lie between startedAtMs and now');
  }
  const run: DrillRun = {
    id,
    service: serviceFqdn(body.service),
    cluster: body.cluster,
    startedAtMs: body.startedAtMs,
    endsAtMs: body.endsAtMs,
    by: p.name,
    ...(body.drill === undefined ? {} : { drill: body.drill }),
    ...(body.endedAtMs === undefined ? {} : { endedAtMs: body.endedAtMs }),
    ...(body.endReason === undefined ? {} : { endReason: body.endReason }),
  };
  const stored = await ctx.store.getDrillRun(id);
  // A run is reported at its start and again at its end: what it was cannot change in between.
  if (
    stored &&
    (stored.service !== run.service ||
      stored.cluster !== run.cluster ||
      stored.drill !== run.drill ||
      stored.startedAtMs !== run.startedAtMs)
  ) {
    throw new MgmtError('MB9007', `drill run ${id} exists with another service, cluster, drill or start`);
  }
  if (stored?.endedAtMs !== undefined && run.endedAtMs === undefined) {
    return { ...run, endedAtMs: stored.endedAtMs, ...(stored.endReason ? { endReason: stored.endReason } : {}) };
  }
  return run;
}

/** Registers the drill routes. */
export function registerDrillRoutes(app: FastifyInstance, deps: MgmtDeps): void {
  app.put(
    '/v2/failover/drills/:id',
    {
      config: { access: 'mutation' },
      schema: {
        summary: 'Record that a failover drill run started or ended (the controller and the CLI report them)',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: RUN_ID } },
          required: ['id'],
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['service', 'cluster', 'startedAtMs', 'endsAtMs'],
          properties: {
            service: { type: 'string', maxLength: 253 },
            cluster: { type: 'string', pattern: RUN_ID },
            drill: { type: 'string', maxLength: 1024 },
            startedAtMs: { type: 'integer', minimum: 0 },
            endsAtMs: { type: 'integer', minimum: 0 },
            endedAtMs: { type: 'integer', minimum: 0 },
            endReason: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (req) => {
      req.auditOwned = true;
      const { id } = req.params as { id: string };
      const ctx = { ...deps, principal: principalOf(req) };
      const audit = { actor: ctx.principal.name, action: 'report-drill-run', target: id };
      try {
        const run = await acceptRun(
          ctx,
          parseOrThrow(runId, id, 'id'),
          parseOrThrow(runBody, req.body, 'body'),
          Date.now(),
        );
        await ctx.store.putDrillRun(run);
        await ctx.store.audit({
          ...audit,
          at: new Date().toISOString(),
          outcome: 'success',
          detail: `${run.service} in ${run.cluster}${run.endedAtMs === undefined ? ' started' : ' ended'}`,
        });
        return run;
      } catch (err) {
        return auditFailureAndThrow(ctx, audit, err);
      }
    },
  );

  app.get(
    '/v2/failover/drills',
    {
      config: { access: 'read' },
      schema: {
        summary: 'Failover drill runs, newest first, each with its report (time to fail over, requests failed, ...)',
        querystring: {
          type: 'object',
          properties: {
            service: { type: 'string', maxLength: 253 },
            cluster: { type: 'string', maxLength: 63 },
            limit: { type: 'string', maxLength: 3 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req) => {
      const q = parseOrThrow(
        z.strictObject({
          service: z.string().optional(),
          cluster: z.string().optional(),
          limit: z.string().optional(),
        }),
        req.query,
        'query',
      );
      const service = q.service === undefined ? undefined : serviceFqdn(q.service);
      if (q.cluster !== undefined && !LABEL.test(q.cluster)) {
        throw new MgmtError('MB9007', 'cluster must be a DNS-1123 label');
      }
      const limit = q.limit === undefined ? DEFAULT_RUNS : /^\d{1,3}$/.test(q.limit) ? Number(q.limit) : NaN;
      if (!(limit >= 1 && limit <= MAX_RUNS)) throw new MgmtError('MB9007', `limit must be from 1 to ${MAX_RUNS}`);
      const runs = await deps.store.listDrillRuns({
        limit,
        ...(service === undefined ? {} : { service }),
        ...(q.cluster === undefined ? {} : { cluster: q.cluster }),
      });
      const drills = await Promise.all(
        runs.map(async (run) => {
          // The run's clients' events only, from just before it started.
          const events = await deps.store.listFailoverEvents({
            service: run.service,
            cluster: run.cluster,
            sinceMs: run.startedAtMs - REPORT_SLACK_BEFORE_MS,
            untilMs: (run.endedAtMs ?? run.endsAtMs) + REPORT_FAILBACK_WINDOW_MS,
            limit: MAX_EVENTS,
          });
          return { ...run, report: drillReport(run, episodesOf(events)) };
        }),
      );
      return { drills };
    },
  );
}
