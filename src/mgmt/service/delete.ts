/**
 * Transactional multi-object delete. Items are full objects (as in `delete -f`) or refs
 * `{kind, organization, tenant, workspace, name}`. Children go before parents, and an object that still has
 * children outside the batch is refused (no silent cascade). Exactly one audit record per call.
 */
import { MgmtError } from '../errors.js';
import type { DocumentIssue } from '../errors.js';
import {
  PARENT_FIELDS,
  childFilter,
  childKindsOf,
  depthOf,
  describeRef,
  fqnOf,
  isMgmtKind,
  refFromSegments,
} from '../model.js';
import type { ObjectRef } from '../model.js';
import { canWrite } from '../auth/roles.js';
import type { CallContext } from './context.js';
import { auditFailureAndThrow } from './context.js';

/** What delete did to one object. */
export interface DeleteItem {
  kind: string;
  name: string;
  fqn: string;
  result: 'deleted' | 'not-found';
}

/** Options of a delete call. */
export interface DeleteOptions {
  /** Report absent objects as `not-found` instead of rejecting the batch. */
  ignoreNotFound?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a ref from an object (`metadata.*`) or a bare ref; an issue when it names no object. */
export function refOfItem(item: unknown, index: number): ObjectRef | DocumentIssue {
  const issue = (path: string, message: string): DocumentIssue => ({
    index,
    code: 'MB9103',
    severity: 'error',
    path,
    message,
  });
  if (!isRecord(item)) return issue('', 'must be an object or a ref');
  const kind = item.kind;
  if (!isMgmtKind(kind)) return issue('kind', `must be a management-plane kind, got ${JSON.stringify(kind)}`);
  const fields = isRecord(item.metadata) ? item.metadata : item;
  const segments = [...PARENT_FIELDS[kind], 'name'].map((f) => fields[f]);
  const bad = segments.findIndex((s) => typeof s !== 'string' || s === '');
  if (bad >= 0) {
    const field = [...PARENT_FIELDS[kind], 'name'][bad] ?? 'name';
    return issue(isRecord(item.metadata) ? `metadata.${field}` : field, `required for ${kind}`);
  }
  return refFromSegments(kind, segments as string[]) ?? issue('', 'not a valid ref');
}

/** Deletes the objects named by `items` for the caller; throws MgmtError (nothing changed) on any problem. */
export async function deleteObjects(
  ctx: CallContext,
  items: readonly unknown[],
  opts: DeleteOptions = {},
): Promise<{ revision: number; results: DeleteItem[] }> {
  const parsed = items.map(refOfItem);
  const audit = {
    actor: ctx.principal.name,
    action: 'delete',
    target: parsed.map((p) => ('code' in p ? `item ${p.index} (invalid)` : describeRef(p))).join(', '),
  };
  try {
    if (items.length === 0) throw new MgmtError('MB9007', 'body.objects must list at least one object');
    const issues = parsed.filter((p): p is DocumentIssue => 'code' in p);
    if (issues.length > 0) throw new MgmtError('MB9003', 'invalid delete request; nothing was deleted', issues);
    const refs = parsed as ObjectRef[];
    const denied = refs.filter((r) => !canWrite(ctx.principal, r));
    if (denied.length > 0) {
      throw new MgmtError('MB9002', `role ${ctx.principal.role} may not delete ${denied.map(describeRef).join(', ')}`);
    }
    const order = [...refs].sort((a, b) => depthOf(b.kind) - depthOf(a.kind));
    const now = new Date().toISOString();
    const out = await ctx.store.transaction(async (tx) => {
      let revision = await tx.lockRevision();
      const results: DeleteItem[] = [];
      let bumped = false;
      for (const ref of order) {
        const item = { kind: ref.kind, name: ref.name, fqn: fqnOf(ref) };
        if ((await tx.get(ref)) === undefined) {
          if (opts.ignoreNotFound === true) {
            results.push({ ...item, result: 'not-found' });
            continue;
          }
          throw new MgmtError('MB9005', `${describeRef(ref)} does not exist; nothing was deleted`);
        }
        for (const childKind of childKindsOf(ref.kind)) {
          const children = await tx.list(childFilter(ref, childKind));
          if (children.length > 0) {
            const names = children.map((c) => describeRef(c.ref)).join(', ');
            throw new MgmtError('MB9006', `${describeRef(ref)} still has ${names}; delete them first`);
          }
        }
        if (!bumped) {
          revision = await tx.bumpRevision();
          bumped = true;
        }
        await tx.remove(ref);
        await tx.clearStatus(ref.kind, fqnOf(ref));
        results.push({ ...item, result: 'deleted' });
      }
      await tx.audit({
        ...audit,
        at: now,
        outcome: 'success',
        detail: results.map((r) => `${r.kind}/${r.fqn} ${r.result}`).join(', '),
      });
      return { revision, results };
    });
    ctx.notifier.publish(out.revision);
    return out;
  } catch (err) {
    return auditFailureAndThrow(ctx, audit, err);
  }
}
