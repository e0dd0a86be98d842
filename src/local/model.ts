/**
 * The one place where the embedded cluster calls the resource model (src/api) to validate objects and apply
 * IngressGateway overlays. Everything else in src/local goes through these two functions.
 *
 * Interim: src/api does not export `validateObject` / `applyOverlays` yet, so `checkObject` performs only the
 * structural checks the API server cannot work without (known apiVersion/kind, a valid metadata.name) and
 * `applyObjectOverlays` supports plain dotted paths. Both are to be replaced by the resource model's functions
 * (contract A), which is a one-line change in each.
 */
import { findKind } from '../api/index.js';
import type { StoredObject } from './store/types.js';

/** One problem found in an object, with the field path it concerns. */
export interface ModelIssue {
  readonly path: string;
  readonly message: string;
  readonly code?: string;
}

/** Result of checking an object: the object (with defaults) or every problem found. */
export type ModelCheck = { ok: true; value: StoredObject } | { ok: false; issues: ModelIssue[] };

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates an object submitted to a cluster API; never throws. */
export function checkObject(obj: unknown): ModelCheck {
  const issues: ModelIssue[] = [];
  if (!isRecord(obj)) return { ok: false, issues: [{ path: '', message: 'must be an object' }] };
  const { apiVersion, kind, metadata } = obj;
  if (typeof apiVersion !== 'string') issues.push({ path: 'apiVersion', message: 'required' });
  if (typeof kind !== 'string') issues.push({ path: 'kind', message: 'required' });
  if (typeof apiVersion === 'string' && typeof kind === 'string' && !findKind(apiVersion, kind)) {
    issues.push({ path: 'kind', message: `unknown kind ${kind} in ${apiVersion}` });
  }
  if (!isRecord(metadata)) {
    issues.push({ path: 'metadata', message: 'required' });
  } else {
    const name = metadata.name;
    if (typeof name !== 'string' || name === '') issues.push({ path: 'metadata.name', message: 'required' });
    else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      issues.push({ path: 'metadata.name', message: `invalid name "${name}": must be a DNS-1123 subdomain` });
    }
    for (const field of ['labels', 'annotations'] as const) {
      const map = metadata[field];
      if (map === undefined) continue;
      if (!isRecord(map)) issues.push({ path: `metadata.${field}`, message: 'must be a map of strings' });
      else
        for (const [k, v] of Object.entries(map))
          if (typeof v !== 'string') issues.push({ path: `metadata.${field}.${k}`, message: 'must be a string' });
    }
  }
  return issues.length === 0 ? { ok: true, value: obj as StoredObject } : { ok: false, issues };
}

/** An overlay patch as IngressGateway `kubeSpec.overlays[].patches[]` carries it. */
export interface OverlayPatch {
  readonly path: string;
  readonly value?: unknown;
}

/** An overlay: the object it targets and its patches. */
export interface Overlay {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly patches?: readonly OverlayPatch[];
}

/** Applies the overlays that target `object` (same kind and name); returns the patched copy or the problems. */
export function applyObjectOverlays(object: StoredObject, overlays: readonly Overlay[]): ModelCheck {
  const copy = structuredClone(object);
  const issues: ModelIssue[] = [];
  for (const overlay of overlays) {
    if (overlay.kind !== object.kind || overlay.name !== object.metadata.name) continue;
    for (const patch of overlay.patches ?? []) {
      if (/[[\]]/.test(patch.path)) {
        issues.push({ path: patch.path, message: 'list selectors in overlay paths are not supported yet' });
        continue;
      }
      const keys = patch.path.split('.');
      // Label keys such as `istio-locality` never contain dots here; a leading key walks objects, creating them.
      let node: Record<string, unknown> = copy;
      for (const key of keys.slice(0, -1)) {
        const next = node[key];
        if (next === undefined) node[key] = {};
        else if (!isRecord(next)) {
          issues.push({ path: patch.path, message: `${key} is not an object` });
          break;
        }
        node = node[key] as Record<string, unknown>;
      }
      const last = keys[keys.length - 1] as string;
      if (patch.value === undefined) delete node[last];
      else node[last] = patch.value;
    }
  }
  return issues.length === 0 ? { ok: true, value: copy } : { ok: false, issues };
}
