/**
 * What one pass of the GitOps sync does, decided from the two sides alone (pure): the management plane's stored
 * objects and the custom resources in the management cluster. Each side carries the memory of the last sync, so a
 * restart loses nothing and a deletion on one side is told apart from a creation on the other:
 *
 * - a CR carries `gitops.meshbridge.io/synced: <CR hash>.<store hash>`, the content of both at the last sync;
 * - a stored object that has (had) a CR carries `gitops.meshbridge.io/mirrored: "true"`.
 *
 * Per object: a CR alone is new (apply it) unless it was synced (the object was deleted through the API: delete the
 * CR); a stored object alone is new (create its CR) unless mirrored (its CR was deleted: delete the object). With
 * both, whichever side changed since the last sync wins; when both changed, the CR wins (Git is the source of truth).
 * Defaults the management plane adds to a stored object do not flow back into the CR: only a change does.
 */
import {
  contentHash,
  crOf,
  CrFormError,
  isMirrored,
  keyOf,
  objectOf,
  syncedOf,
  type CustomResource,
} from './cr-form.js';
import type { MgmtObject } from '../model.js';

/** One step of a pass. */
export type SyncAction =
  /** Apply the CR's object to the store (then record the sync on the CR). */
  | { op: 'apply'; key: string; cr: CustomResource; object: MgmtObject }
  /** Delete the stored object whose CR was deleted. */
  | { op: 'delete-object'; key: string; object: MgmtObject }
  /** Create a CR for a stored object (and mark the object mirrored). */
  | { op: 'create-cr'; key: string; object: MgmtObject; cr: CustomResource }
  /** Rewrite a CR from its stored object (the object changed through the API). */
  | { op: 'update-cr'; key: string; object: MgmtObject; cr: CustomResource; from: CustomResource }
  /** Record on the CR that both sides agree (and mark the object mirrored if it is not). */
  | { op: 'record'; key: string; object: MgmtObject; cr: CustomResource }
  /** Delete a CR whose object was deleted through the API. */
  | { op: 'delete-cr'; key: string; cr: CustomResource }
  /** A CR that cannot be synced: its status says why. */
  | { op: 'refuse'; key: string | undefined; cr: CustomResource; reason: string };

const crId = (cr: CustomResource) => `${cr.kind} ${cr.metadata.namespace ?? ''}/${cr.metadata.name}`;

/** The actions of one pass. `namespace` is where new CRs are created. Sorted by key for stable passes. */
export function planSync(input: {
  stored: readonly MgmtObject[];
  crs: readonly CustomResource[];
  namespace: string;
}): SyncAction[] {
  const out: SyncAction[] = [];
  const crByKey = new Map<string, CustomResource>();
  // Two CRs for the same object (e.g. in two namespaces): the first by namespace and name stands, the rest are refused.
  const sorted = [...input.crs].sort((a, b) => crId(a).localeCompare(crId(b)));
  for (const cr of sorted) {
    let key: string;
    try {
      key = keyOf(objectOf(cr));
    } catch (err) {
      if (!(err instanceof CrFormError)) throw err;
      out.push({ op: 'refuse', key: undefined, cr, reason: err.message });
      continue;
    }
    const first = crByKey.get(key);
    if (first) out.push({ op: 'refuse', key, cr, reason: `${crId(first)} already stands for ${key}` });
    else crByKey.set(key, cr);
  }
  // A name taken in the namespace by a CR of another object: a stored object cannot get its CR there.
  const names = new Map<string, string>();
  for (const [key, cr] of crByKey)
    if (cr.metadata.namespace === input.namespace) names.set(`${cr.kind}/${cr.metadata.name}`, key);

  const storedByKey = new Map(input.stored.map((o) => [keyOf(o), o]));
  const keys = [...new Set([...crByKey.keys(), ...storedByKey.keys()])].sort();
  for (const key of keys) {
    const cr = crByKey.get(key);
    const object = storedByKey.get(key);
    if (cr && !object) {
      out.push(syncedOf(cr) ? { op: 'delete-cr', key, cr } : { op: 'apply', key, cr, object: objectOf(cr) });
      continue;
    }
    if (object && !cr) {
      if (isMirrored(object)) {
        out.push({ op: 'delete-object', key, object });
        continue;
      }
      const taken = names.get(`${object.kind}/${object.metadata.name}`);
      if (taken !== undefined && taken !== key) continue; // reported on the CR that holds the name
      out.push({ op: 'create-cr', key, object, cr: crOf(object, input.namespace) });
      continue;
    }
    if (!cr || !object) continue;
    const crHash = contentHash(objectOf(cr));
    const storeHash = contentHash(object);
    const synced = syncedOf(cr);
    if (synced === undefined || synced.cr !== crHash) {
      // New to the sync, or the CR changed: it wins. Equal content needs only the record.
      out.push(
        crHash === storeHash && synced === undefined
          ? { op: 'record', key, object, cr }
          : { op: 'apply', key, cr, object: objectOf(cr) },
      );
    } else if (synced.store !== storeHash) {
      const next = crOf(object, cr.metadata.namespace ?? input.namespace);
      out.push({ op: 'update-cr', key, object, cr: next, from: cr });
    } else if (!isMirrored(object)) {
      out.push({ op: 'record', key, object, cr });
    }
  }
  return out;
}
