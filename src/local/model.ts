/**
 * The one place where the embedded cluster calls the resource model (src/api): validation of objects submitted
 * to a cluster API (with defaults applied) and IngressGateway overlays. Everything else in src/local goes through
 * these two functions.
 */
import { applyOverlays, validateObject, type Overlay } from '../api/index.js';
import type { StoredObject } from './store/types.js';

/** One problem found in an object, with the field path it concerns. */
export interface ModelIssue {
  readonly path: string;
  readonly message: string;
  readonly code?: string;
}

/** Result of checking an object: the object (with defaults) and warnings, or every problem found. */
export type ModelCheck =
  { ok: true; value: StoredObject; warnings: ModelIssue[] } | { ok: false; issues: ModelIssue[] };

const toIssue = (i: { path: string; message: string; code: string }): ModelIssue => ({
  path: i.path,
  message: i.message,
  code: i.code,
});

/** Validates an object submitted to a cluster API (resource model's `validateObject`); never throws. */
export function checkObject(obj: unknown): ModelCheck {
  const result = validateObject(obj);
  if (!result.ok || result.errors.length > 0) return { ok: false, issues: result.errors.map(toIssue) };
  return { ok: true, value: (result.value ?? obj) as StoredObject, warnings: result.warnings.map(toIssue) };
}

export type { Overlay };

/** Applies the overlays that target `object` (same kind and name); returns the patched copy or the problems. */
export function applyObjectOverlays(
  object: StoredObject,
  overlays: readonly Overlay[],
  owner?: { kind: string; name: string },
): ModelCheck {
  const result = applyOverlays(object, overlays, owner ? { owner } : {});
  return result.ok
    ? { ok: true, value: result.value, warnings: [] }
    : { ok: false, issues: result.issues.map(toIssue) };
}
