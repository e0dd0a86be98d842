/**
 * The single validation seam of the management plane: every submitted document goes through `validateMgmtDocument`
 * exactly once. Server-owned fields are dropped, a cluster kind is refused with a hint to use `--cluster`, and the
 * resource model's `validateObject` checks the rest (schema, hierarchy fields, placeholders) with its catalogue
 * codes; its normalized value (defaults applied) is what gets stored.
 */
import { findKind, validateObject } from '../api/index.js';
import type { Issue } from '../api/index.js';
import { PARENT_FIELDS, isMgmtKind } from './model.js';
import type { MgmtObject } from './model.js';

/** An issue in the resource model's shape (contract A `Issue`). */
export type ValidationIssue = Issue;

/** Outcome of validating one document: the normalized object when ok. */
export type MgmtValidation =
  | { ok: true; value: MgmtObject; warnings: ValidationIssue[] }
  | { ok: false; errors: ValidationIssue[]; warnings: ValidationIssue[] };

/** Server-set fields a client may send back (e.g. from `get -o yaml`); removed before comparing and storing. */
const SERVER_METADATA = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withoutServerFields(doc: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = doc;
  if (!isRecord(rest.metadata)) return rest;
  const metadata = { ...rest.metadata };
  for (const f of SERVER_METADATA) delete metadata[f];
  return { ...rest, metadata };
}

/** Validates one document; pure, never throws. */
export function validateMgmtDocument(doc: unknown): MgmtValidation {
  const fail = (path: string, message: string, code: string): MgmtValidation => ({
    ok: false,
    errors: [{ code, severity: 'error', path, message }],
    warnings: [],
  });
  if (isRecord(doc) && typeof doc.apiVersion === 'string' && typeof doc.kind === 'string') {
    const info = findKind(doc.apiVersion, doc.kind);
    if (info !== undefined && info.scope !== 'mgmt') {
      const message = `${doc.apiVersion} ${doc.kind} is not a management-plane kind (a cluster kind: apply it to a cluster with --cluster)`;
      return fail('kind', message, 'MB9102');
    }
  }
  const cleaned = isRecord(doc) ? withoutServerFields(doc) : doc;
  const result = validateObject(cleaned);
  if (!result.ok || result.value === undefined) {
    return { ok: false, errors: result.errors, warnings: result.warnings };
  }
  const value = result.value as unknown as MgmtObject;
  // The model's TSB metadata schemas require these; the store key depends on them, so check rather than trust.
  if (!isMgmtKind(value.kind)) return fail('kind', `${value.kind} is not a management-plane kind`, 'MB9102');
  for (const field of ['name', ...PARENT_FIELDS[value.kind]]) {
    const v = value.metadata[field];
    if (typeof v !== 'string' || v === '' || v.includes('/')) {
      return fail(`metadata.${field}`, `required for ${value.kind}, as a plain name`, 'MB9103');
    }
  }
  return { ok: true, value, warnings: result.warnings };
}
