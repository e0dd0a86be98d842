/**
 * Per-organization quota: the object count and stored bytes an organization would hold after a write, checked
 * inside the write's transaction so two concurrent applies cannot both squeeze under the limit. Pure decision,
 * thin store access.
 */
import { MgmtError } from '../errors.js';
import { describeRef } from '../model.js';
import type { MgmtObject, ObjectRef } from '../model.js';
import { canonicalJson } from '../../api/canonical-json.js';
import type { StoreTx } from '../store/types.js';
import type { MgmtLimits } from './settings.js';

/** Size of an object as the quota counts it: its canonical JSON in UTF-8 bytes. */
export function storedSize(object: MgmtObject): number {
  return Buffer.byteLength(canonicalJson(object), 'utf8');
}

/** What an organization holds: object count and bytes. */
export interface Usage {
  objects: number;
  bytes: number;
}

/**
 * The usage of one organization after `writes` replace or add objects to `current` (keyed by describeRef). Pure.
 */
export function usageAfter(
  current: ReadonlyMap<string, number>,
  writes: readonly { ref: ObjectRef; object: MgmtObject }[],
): Usage {
  const sizes = new Map(current);
  for (const w of writes) sizes.set(describeRef(w.ref), storedSize(w.object));
  let bytes = 0;
  for (const size of sizes.values()) bytes += size;
  return { objects: sizes.size, bytes };
}

/**
 * Throws MB9013 when any organization touched by `writes` would exceed the limits. Only writes that grow usage are
 * refused: an organization already over a lowered limit may still shrink or keep its objects.
 */
export async function checkQuota(
  tx: StoreTx,
  limits: MgmtLimits,
  writes: readonly { ref: ObjectRef; object: MgmtObject }[],
): Promise<void> {
  const byOrg = new Map<string, { ref: ObjectRef; object: MgmtObject }[]>();
  for (const w of writes) byOrg.set(w.ref.organization, [...(byOrg.get(w.ref.organization) ?? []), w]);
  for (const [organization, orgWrites] of byOrg) {
    const stored = await tx.list({ organization });
    const current = new Map(stored.map((s) => [describeRef(s.ref), storedSize(s.object)]));
    const before: Usage = { objects: current.size, bytes: [...current.values()].reduce((a, b) => a + b, 0) };
    const after = usageAfter(current, orgWrites);
    if (after.objects > limits.maxObjectsPerOrganization && after.objects > before.objects) {
      throw new MgmtError(
        'MB9013',
        `organization ${organization} would hold ${after.objects} objects; the limit is ${limits.maxObjectsPerOrganization}`,
      );
    }
    if (after.bytes > limits.maxBytesPerOrganization && after.bytes > before.bytes) {
      throw new MgmtError(
        'MB9013',
        `organization ${organization} would hold ${after.bytes} bytes of objects; the limit is ${limits.maxBytesPerOrganization}`,
      );
    }
  }
}
