/**
 * Pure status aggregation (like `tctl x status`).
 *
 * An object's own state comes from the controller's per-cluster reports that still apply (unversioned, or versioned
 * at or after the object's last change):
 *   no fresh report -> ACCEPTED; every cluster READY -> READY; every cluster FAILED -> FAILED; otherwise PARTIAL.
 * Parents aggregate children: a Workspace its WorkspaceSettings, a Tenant its Workspaces, an Organization its
 * Tenants (plus any reports about the parent itself). Combining states:
 *   nothing known -> ACCEPTED; all FAILED -> FAILED; any FAILED or PARTIAL -> PARTIAL;
 *   otherwise any ACCEPTED (still propagating) -> ACCEPTED; otherwise READY.
 */
import { childFilter, fqnOf, type MgmtKind, type ObjectRef } from '../model.js';
import { UNVERSIONED } from '../store/types.js';
import type { ClusterState, StatusRecord, StoredObject } from '../store/types.js';

/** The aggregated status vocabulary. */
export type ObjectState = 'ACCEPTED' | ClusterState;

/** Status of one object as served by `GET /v2/status`. */
export interface ObjectStatus {
  kind: MgmtKind;
  fqn: string;
  state: ObjectState;
  message: string;
  /** The controller's fresh per-cluster reports about this object itself. */
  clusters: Record<string, { state: ClusterState; message: string }>;
  /** Direct children that took part in the aggregation. */
  children: { kind: MgmtKind; fqn: string; state: ObjectState }[];
}

/** Which child kind a parent aggregates. */
const AGGREGATES: Partial<Record<MgmtKind, MgmtKind>> = {
  Organization: 'Tenant',
  Tenant: 'Workspace',
  Workspace: 'WorkspaceSetting',
};

/** Combines states by the rule in the module comment. */
export function combineStates(states: readonly ObjectState[]): ObjectState {
  if (states.length === 0) return 'ACCEPTED';
  if (states.every((s) => s === 'FAILED')) return 'FAILED';
  if (states.some((s) => s === 'FAILED' || s === 'PARTIAL')) return 'PARTIAL';
  return states.some((s) => s === 'ACCEPTED') ? 'ACCEPTED' : 'READY';
}

function matches(ref: ObjectRef, f: ReturnType<typeof childFilter>): boolean {
  return (
    ref.kind === f.kind &&
    ref.organization === f.organization &&
    (f.tenant === undefined || ref.tenant === f.tenant) &&
    (f.workspace === undefined || ref.workspace === f.workspace)
  );
}

/** Computes the status of every object from the stored objects and the controller's reports. */
export function aggregateStatus(objects: readonly StoredObject[], reports: readonly StatusRecord[]): ObjectStatus[] {
  const byKey = new Map<string, StatusRecord[]>();
  for (const r of reports) {
    const key = `${r.kind} ${r.fqn}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const memo = new Map<string, ObjectStatus>();
  const statusOf = (o: StoredObject): ObjectStatus => {
    const fqn = fqnOf(o.ref);
    const key = `${o.ref.kind} ${fqn}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    // A versioned report older than the object's last change describes a previous version: not evidence for this
    // one. An unversioned report stands until the controller replaces it.
    const fresh = (byKey.get(key) ?? []).filter((r) => r.revision === UNVERSIONED || r.revision >= o.revision);
    const clusters = Object.fromEntries(fresh.map((r) => [r.cluster, { state: r.state, message: r.message }]));
    const childKind = AGGREGATES[o.ref.kind];
    const children =
      childKind === undefined ? [] : objects.filter((c) => matches(c.ref, childFilter(o.ref, childKind))).map(statusOf);
    const own: ClusterState[] = fresh.map((r) => r.state);
    const ownState = own.length === 0 ? undefined : combineStatesStrict(own);
    const state = combineStates([...(ownState === undefined ? [] : [ownState]), ...children.map((c) => c.state)]);
    const messages = [
      ...fresh
        .filter((r) => r.state !== 'READY' || r.message !== '')
        .map((r) => `${r.cluster}: ${r.state} ${r.message}`.trim()),
      ...children.filter((c) => c.state !== 'READY').map((c) => `${c.kind}/${c.fqn}: ${c.state}`),
    ];
    const message =
      messages.length > 0
        ? messages.join('; ')
        : state === 'ACCEPTED'
          ? 'accepted; not yet reported by the controller'
          : `ready in ${Object.keys(clusters).join(', ') || 'every target'}`;
    const status: ObjectStatus = {
      kind: o.ref.kind,
      fqn,
      state,
      message,
      clusters,
      children: children.map((c) => ({ kind: c.kind, fqn: c.fqn, state: c.state })),
    };
    memo.set(key, status);
    return status;
  };
  return objects.map(statusOf);
}

/** Per-cluster combination for one object: all READY -> READY, all FAILED -> FAILED, else PARTIAL. */
export function combineStatesStrict(states: readonly ClusterState[]): ClusterState {
  if (states.every((s) => s === 'READY')) return 'READY';
  if (states.every((s) => s === 'FAILED')) return 'FAILED';
  return 'PARTIAL';
}
