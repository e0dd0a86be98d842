/**
 * Transactional multi-document apply: every document is validated and authorized first, then all are written in
 * one transaction (a batch may create an Organization and its Tenants together, in any order). Any problem
 * rejects the whole batch and changes nothing. Each call writes exactly one audit record.
 */
import { MgmtError } from '../errors.js';
import type { DocumentIssue } from '../errors.js';
import { describeRef, fqnOf, parentOf, refOf } from '../model.js';
import type { MgmtObject, ObjectRef } from '../model.js';
import { canWrite } from '../auth/roles.js';
import { validateMgmtDocument } from '../validation.js';
import type { MgmtValidation, ValidationIssue } from '../validation.js';
import type { CallContext } from './context.js';
import { auditFailureAndThrow } from './context.js';
import { canonicalJson } from '../../api/canonical-json.js';
import { checkQuota } from '../limits/quota.js';
import { DEFAULT_LIMITS } from '../limits/settings.js';

/** What apply did to one object. */
export interface ApplyItem {
  kind: string;
  name: string;
  fqn: string;
  result: 'created' | 'configured' | 'unchanged';
}

/** Result of a successful apply; `revision` is the global revision after it (unchanged when nothing changed). */
export interface ApplyResult {
  revision: number;
  results: ApplyItem[];
  warnings: DocumentIssue[];
}

function located(index: number, issue: ValidationIssue): DocumentIssue {
  return { index, ...issue };
}

/** Validates every document once; throws MB9003 with all issues when any has an error. */
function validateAll(validations: readonly MgmtValidation[]): { objects: MgmtObject[]; warnings: DocumentIssue[] } {
  const issues: DocumentIssue[] = [];
  const warnings: DocumentIssue[] = [];
  const objects: MgmtObject[] = [];
  validations.forEach((v, index) => {
    warnings.push(...v.warnings.map((w) => located(index, w)));
    if (v.ok) objects.push(v.value);
    // A rejected document's warnings travel with its errors: "${ORG} was not substituted" explains the error.
    else issues.push(...v.errors.map((e) => located(index, e)), ...v.warnings.map((w) => located(index, w)));
  });
  if (issues.length > 0) {
    const errors = issues.filter((i) => i.severity === 'error').length;
    throw new MgmtError('MB9003', `${errors} error(s) in the submitted documents; nothing was applied`, issues);
  }
  return { objects, warnings };
}

/** A short description of what a batch targets, for audit records. */
function targetsOf(docs: readonly unknown[], validations: readonly MgmtValidation[]): string {
  return validations
    .map((v, i) => {
      if (v.ok) return describeRef(refOf(v.value));
      const d = docs[i];
      const o = (typeof d === 'object' && d !== null ? d : {}) as { kind?: unknown; metadata?: { name?: unknown } };
      return `${String(o.kind ?? '?')}/${String(o.metadata?.name ?? '?')} (invalid)`;
    })
    .join(', ');
}

/** Applies `docs` (TSB objects) for the caller; throws MgmtError (nothing changed) on any problem. */
export async function applyObjects(ctx: CallContext, docs: readonly unknown[]): Promise<ApplyResult> {
  const validations = docs.map(validateMgmtDocument);
  const audit = { actor: ctx.principal.name, action: 'apply', target: targetsOf(docs, validations) };
  try {
    if (docs.length === 0) throw new MgmtError('MB9007', 'body.objects must list at least one object');
    const { objects, warnings } = validateAll(validations);
    const refs = objects.map(refOf);
    const denied = refs.map((ref, index) => ({ ref, index })).filter(({ ref }) => !canWrite(ctx.principal, ref));
    if (denied.length > 0) {
      throw new MgmtError(
        'MB9002',
        `role ${ctx.principal.role} may not write ${denied.map((d) => describeRef(d.ref)).join(', ')}`,
      );
    }
    const now = new Date().toISOString();
    const out = await ctx.store.transaction(async (tx) => {
      const current = await tx.lockRevision();
      const missing: DocumentIssue[] = [];
      const plan: { ref: ObjectRef; object: MgmtObject; item: ApplyItem }[] = [];
      // A parent given in the same batch counts wherever it appears: the batch is stored as one consistent set.
      const inBatch = new Set(refs.map(describeRef));
      for (const [index, ref] of refs.entries()) {
        const object = objects[index] as MgmtObject;
        const parent = parentOf(ref);
        if (parent !== undefined && !inBatch.has(describeRef(parent)) && (await tx.get(parent)) === undefined) {
          missing.push({
            index,
            code: 'MB9004',
            severity: 'error',
            path: `metadata.${parent.kind === 'Organization' ? 'organization' : parent.kind.toLowerCase()}`,
            message: `${ref.kind} ${ref.name} needs ${parent.kind} ${fqnOf(parent)}, which does not exist`,
            kind: ref.kind,
            name: ref.name,
          });
          continue;
        }
        const existing = await tx.get(ref);
        const result =
          existing === undefined
            ? 'created'
            : canonicalJson(existing.object) === canonicalJson(object)
              ? 'unchanged'
              : 'configured';
        plan.push({ ref, object, item: { kind: ref.kind, name: ref.name, fqn: fqnOf(ref), result } });
      }
      if (missing.length > 0) {
        throw new MgmtError('MB9004', 'a parent object is missing; nothing was applied', missing);
      }
      const changes = plan.filter((p) => p.item.result !== 'unchanged');
      // Inside the transaction: a concurrent apply cannot slip under the limit with this one.
      await checkQuota(tx, ctx.limits ?? DEFAULT_LIMITS, changes);
      const revision = changes.length > 0 ? await tx.bumpRevision() : current;
      for (const p of changes) await tx.put(p.ref, p.object, revision, now);
      const results = plan.map((p) => p.item);
      await tx.audit({
        ...audit,
        at: now,
        outcome: 'success',
        detail: results.map((r) => `${r.kind}/${r.fqn} ${r.result}`).join(', '),
      });
      return { revision, results };
    });
    ctx.notifier.publish(out.revision);
    return { ...out, warnings };
  } catch (err) {
    return auditFailureAndThrow(ctx, audit, err);
  }
}
