/**
 * The single validation seam of the management plane: every submitted document goes through `validateMgmtDocument`
 * exactly once. It checks that the document is a management-plane kind with the hierarchy fields its kind needs,
 * then hands the object to the resource model's validator.
 */
import { findKind, validateObject } from '../api/index.js';
import { MGMT_API_VERSION, PARENT_FIELDS, isMgmtKind } from './model.js';
import type { MgmtObject } from './model.js';

/** An issue in the resource model's shape (contract A `Issue`). */
export interface ValidationIssue {
  code: string;
  severity: 'error' | 'warning';
  path: string;
  message: string;
  kind?: string;
  name?: string;
}

/** Outcome of validating one document: the normalized object when ok. */
export type MgmtValidation =
  | { ok: true; value: MgmtObject; warnings: ValidationIssue[] }
  | { ok: false; errors: ValidationIssue[]; warnings: ValidationIssue[] };

/** Server-set metadata a client may send back (e.g. from `get -o yaml`); removed before comparing and storing. */
const SERVER_FIELDS = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates one document; pure, never throws. */
export function validateMgmtDocument(doc: unknown): MgmtValidation {
  const err = (path: string, message: string, code = 'MB9101'): MgmtValidation => ({
    ok: false,
    errors: [{ code, severity: 'error', path, message }],
    warnings: [],
  });
  if (!isRecord(doc)) return err('', 'a document must be an object');
  const { apiVersion, kind } = doc;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') {
    return err(typeof kind !== 'string' ? 'kind' : 'apiVersion', 'required');
  }
  const info = findKind(apiVersion, kind);
  if (info === undefined || !isMgmtKind(kind)) {
    const hint = info?.scope === 'cluster' ? ' (a cluster kind: apply it to a cluster with --cluster)' : '';
    return err('kind', `${apiVersion} ${kind} is not a management-plane kind${hint}`, 'MB9102');
  }
  const metadata = doc.metadata;
  if (!isRecord(metadata)) return err('metadata', 'required');
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  const errors: ValidationIssue[] = [];
  const located = (path: string, message: string): ValidationIssue => ({
    code: 'MB9103',
    severity: 'error',
    path,
    message,
    kind,
    ...(name === undefined ? {} : { name }),
  });
  for (const field of ['name', ...PARENT_FIELDS[kind]]) {
    const v = metadata[field];
    if (typeof v !== 'string' || v === '') errors.push(located(`metadata.${field}`, `required for ${kind}`));
    else if (v.includes('/') || v.includes('${')) {
      errors.push(located(`metadata.${field}`, `must be a plain name, got "${v}"`));
    }
  }
  if (errors.length > 0) return { ok: false, errors, warnings: [] };
  const cleaned: Record<string, unknown> = { ...doc, metadata: { ...metadata } };
  const cleanedMeta = cleaned.metadata as Record<string, unknown>;
  for (const f of SERVER_FIELDS) delete cleanedMeta[f];
  delete cleaned.status;
  return modelValidate(cleaned as MgmtObject, apiVersion);
}

/**
 * The resource model's own checks (contract A `validateObject`). Kept in one function so the model's validator
 * replaces it in one place; the structural checks above stay because they guard the store's key.
 */
function modelValidate(object: MgmtObject, apiVersion: string): MgmtValidation {
  if (apiVersion !== MGMT_API_VERSION) {
    return {
      ok: false,
      errors: [{ code: 'MB9102', severity: 'error', path: 'apiVersion', message: `must be ${MGMT_API_VERSION}` }],
      warnings: [],
    };
  }
  if (object.spec !== undefined && !isRecord(object.spec)) {
    return {
      ok: false,
      errors: [{ code: 'MB9104', severity: 'error', path: 'spec', message: 'must be an object' }],
      warnings: [],
    };
  }
  // The resource model's validator: every field of every kind, with codes and field paths (e.g. a network list of
  // an OrganizationSetting that is not comma-separated network names).
  const result = validateObject(object);
  const warnings = result.warnings.map(toIssue);
  if (!result.ok) return { ok: false, errors: result.errors.map(toIssue), warnings };
  // Stored as submitted (defaults are applied by readers), so re-applying the same document stays "unchanged".
  return { ok: true, value: object, warnings };
}

function toIssue(i: ValidationIssue): ValidationIssue {
  return {
    code: i.code,
    severity: i.severity,
    path: i.path,
    message: i.message,
    ...(i.kind === undefined ? {} : { kind: i.kind }),
    ...(i.name === undefined ? {} : { name: i.name }),
  };
}
