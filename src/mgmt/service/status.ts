/**
 * Status reports from the federation controller (`PUT /v2/status`) and aggregated status reads. A report replaces
 * the object's previous per-cluster rows: the controller sends every target cluster of the object at once.
 * A report may name the snapshot `revision` it was computed from; then it stops counting once the object changes
 * again (the object is ACCEPTED until a report for the new revision arrives). A report without `revision` stands
 * for the object's current version until replaced (controllers that only re-send reports that differ need this).
 */
import { MgmtError } from '../errors.js';
import { describeRef, isMgmtKind, parseFqn } from '../model.js';
import type { ObjectRef } from '../model.js';
import { canReportStatus } from '../auth/roles.js';
import { UNVERSIONED } from '../store/types.js';
import type { ClusterState, StatusRecord, Store } from '../store/types.js';
import type { CallContext } from './context.js';
import { auditFailureAndThrow } from './context.js';
import { aggregateStatus } from './status-aggregate.js';
import type { ObjectStatus } from './status-aggregate.js';

const CLUSTER_STATES: readonly ClusterState[] = ['READY', 'PARTIAL', 'FAILED'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parsed `PUT /v2/status` body. */
interface StatusReport {
  ref: ObjectRef;
  fqn: string;
  revision: number | undefined;
  clusters: { cluster: string; state: ClusterState; message: string }[];
}

function parseReport(body: unknown): StatusReport {
  const bad = (message: string): MgmtError => new MgmtError('MB9007', message);
  if (!isRecord(body)) throw bad('body must be {kind, fqn, clusters}');
  const { kind, fqn, clusters, revision } = body;
  if (!isMgmtKind(kind)) throw bad(`kind must be a management-plane kind, got ${JSON.stringify(kind)}`);
  if (typeof fqn !== 'string') throw bad('fqn is required');
  const ref = parseFqn(kind, fqn);
  if (ref === undefined) throw bad(`fqn ${JSON.stringify(fqn)} is not a ${kind} fqn (e.g. organizations/o/tenants/t)`);
  if (revision !== undefined && (typeof revision !== 'number' || !Number.isSafeInteger(revision))) {
    throw bad('revision must be an integer (the snapshot revision the report was computed from)');
  }
  if (!isRecord(clusters)) throw bad('clusters must map cluster names to {state, message}');
  const list = Object.entries(clusters).map(([cluster, v]) => {
    if (!isRecord(v) || !CLUSTER_STATES.includes(v.state as ClusterState)) {
      throw bad(`clusters.${cluster}.state must be one of ${CLUSTER_STATES.join(', ')}`);
    }
    if (v.message !== undefined && typeof v.message !== 'string')
      throw bad(`clusters.${cluster}.message must be a string`);
    return { cluster, state: v.state as ClusterState, message: (v.message as string | undefined) ?? '' };
  });
  return { ref, fqn, revision, clusters: list };
}

/** Records a controller report; one audit record per call. */
export async function reportStatus(ctx: CallContext, body: unknown): Promise<ObjectStatus> {
  const target = isRecord(body) ? `${String(body.kind)}/${String(body.fqn)}` : '(invalid)';
  const audit = { actor: ctx.principal.name, action: 'report-status', target };
  try {
    const report = parseReport(body);
    if (!canReportStatus(ctx.principal, report.ref)) {
      throw new MgmtError('MB9002', `role ${ctx.principal.role} may not report status for ${describeRef(report.ref)}`);
    }
    const stored = await ctx.store.get(report.ref);
    if (stored === undefined) throw new MgmtError('MB9005', `${describeRef(report.ref)} does not exist`);
    const now = new Date().toISOString();
    const records: StatusRecord[] = report.clusters.map((c) => ({
      kind: report.ref.kind,
      fqn: report.fqn,
      cluster: c.cluster,
      state: c.state,
      message: c.message,
      revision: report.revision ?? UNVERSIONED,
      updatedAt: now,
    }));
    await ctx.store.replaceStatus(report.ref.kind, report.fqn, records);
    await ctx.store.audit({
      ...audit,
      at: now,
      outcome: 'success',
      detail: report.clusters.map((c) => `${c.cluster}=${c.state}`).join(', '),
    });
    const status = (await statusList(ctx.store)).find((s) => s.kind === report.ref.kind && s.fqn === report.fqn);
    if (status === undefined) throw new MgmtError('MB9005', `${describeRef(report.ref)} does not exist`);
    return status;
  } catch (err) {
    return auditFailureAndThrow(ctx, audit, err);
  }
}

/** Aggregated status of every object. */
export async function statusList(store: Store): Promise<ObjectStatus[]> {
  const [snapshot, reports] = [await store.snapshot(), await store.listStatus()];
  return aggregateStatus(snapshot.objects, reports);
}
