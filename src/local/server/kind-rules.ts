/**
 * What the API server does to objects of some kinds on a write, beyond validating them (pure):
 * - a Secret's write-only `stringData` is folded into `data` (base64), its keys winning, as Kubernetes does, and
 *   a Secret without a type is `Opaque`;
 * - a ConfigMap or Secret marked `immutable` keeps its data (and stays immutable);
 * - a binding's `roleRef` never changes (delete and re-create the binding to point it elsewhere);
 * - a CustomResourceDefinition's `status` says its names were accepted and it is established, which is what
 *   `kubectl wait --for condition=established` waits for. The local clusters serve no custom kinds of their own:
 *   the kinds the production manifests define (IngressGateway) are built in.
 */
import type { StoredObject } from '../store/types.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object as stored after a valid write of `kind`. */
export function normalizeOnWrite(kind: string, obj: StoredObject, now: Date = new Date()): StoredObject {
  switch (kind) {
    case 'Secret': {
      // Kubernetes' default type.
      if (typeof obj.type !== 'string' || obj.type === '') obj = { ...obj, type: 'Opaque' };
      if (!isRec(obj.stringData)) return obj;
      const { stringData, ...rest } = obj;
      const data: Record<string, string> = isRec(obj.data) ? { ...(obj.data as Record<string, string>) } : {};
      for (const [k, v] of Object.entries(stringData as Record<string, string>)) {
        data[k] = Buffer.from(v, 'utf8').toString('base64');
      }
      return { ...rest, data } as StoredObject;
    }
    case 'PersistentVolumeClaim': {
      // Bound at once: the runner gives every claim a directory of its own (runner/volumes.ts), with the access
      // modes asked for and the capacity requested (a directory has no quota; the figure is what was asked).
      const spec = isRec(obj.spec) ? obj.spec : {};
      const requests = isRec(spec.resources) && isRec(spec.resources.requests) ? spec.resources.requests : {};
      return {
        ...obj,
        status: { phase: 'Bound', accessModes: spec.accessModes, capacity: { ...requests } },
      };
    }
    case 'CustomResourceDefinition': {
      const spec = isRec(obj.spec) ? obj.spec : {};
      const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
      const condition = (type: string, reason: string, message: string) => ({
        type,
        status: 'True',
        lastTransitionTime: at,
        reason,
        message,
      });
      return {
        ...obj,
        status: {
          conditions: [
            condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
            condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
          ],
          acceptedNames: spec.names,
          storedVersions: (Array.isArray(spec.versions) ? spec.versions : [])
            .filter((v): v is Rec => isRec(v) && v.storage === true)
            .map((v) => v.name),
        },
      } as StoredObject;
    }
    default:
      return obj;
  }
}

/** One field an update may not change, with the API server's message. */
export interface ImmutableViolation {
  readonly field: string;
  readonly message: string;
}

/** Fields of `current` that `next` (already normalized) changes although they are immutable. */
export function immutableViolations(kind: string, current: StoredObject, next: StoredObject): ImmutableViolation[] {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  switch (kind) {
    case 'ConfigMap':
    case 'Secret': {
      if (current.immutable !== true) return [];
      const fields = kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'type'];
      const out: ImmutableViolation[] = fields
        .filter((f) => !same(current[f], next[f]))
        .map((field) => ({ field, message: 'field is immutable when `immutable` is set' }));
      if (next.immutable !== true)
        out.push({ field: 'immutable', message: 'field is immutable when `immutable` is set' });
      return out;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return same(current.roleRef, next.roleRef) ? [] : [{ field: 'roleRef', message: 'cannot change roleRef' }];
    default:
      return [];
  }
}
