/** The wire form of stored objects: the TSB YAML form plus `metadata.resourceVersion` (the revision of its change). */
import type { MgmtObject } from '../model.js';
import type { StoredObject } from '../store/types.js';

/** The object as returned by GET, list and snapshot. */
export function presentObject(s: StoredObject): MgmtObject {
  return { ...s.object, metadata: { ...s.object.metadata, resourceVersion: String(s.revision) } };
}
