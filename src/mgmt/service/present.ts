/** The wire form of stored objects: the TSB YAML form plus `metadata.resourceVersion` (the revision of its change). */
import type { MgmtObject } from '../model.js';
import type { StoredObject } from '../store/types.js';

/** The object as returned by GET, list and snapshot. */
export function presentObject(s: StoredObject): MgmtObject {
  return { ...s.object, metadata: { ...s.object.metadata, resourceVersion: String(s.revision) } };
}

/** A canonical JSON text (sorted keys) used to decide whether an apply changes anything. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
