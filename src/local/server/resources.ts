/**
 * The verbs of the embedded API server over the store, independent of HTTP: list, get, create, update, patch,
 * delete (namespace deletion cascades to the namespace's objects) and the `status` / `scale` subresources.
 * Every write runs in one store transaction after validation, so a rejected request leaves the store unchanged.
 */
import { randomBytes } from 'node:crypto';
import { KINDS, type KindInfo } from '../../api/index.js';
import { checkObject } from '../model.js';
import { isStoreError } from '../store/errors.js';
import type { ClusterStore, StoreWriter } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { admissionCauses, admissionViolations } from './admission.js';
import { immutableViolations, normalizeOnWrite } from './kind-rules.js';
import { CRD_REF, customCauses, customKinds, isCustomKind } from './custom-kinds.js';
import { hasStatusSubresource } from './discovery.js';
import { asVersion, refOf, specOf, storageApiVersion } from './objects.js';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patch.js';
import { scaleOf, withScale } from './scale.js';
import { ApiError, notFound } from './status.js';

/** Where a request points: a kind at a version, maybe a namespace, a name and a subresource. */
export interface Target {
  readonly kind: KindInfo;
  readonly version: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** Collects validation warnings of the request (sent back as `Warning` headers, which kubectl prints). */
  readonly warnings?: string[];
}

/** The patch formats accepted, by Content-Type. */
export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const NAMESPACES = KINDS.find((k) => k.plural === 'namespaces' && k.group === '') as KindInfo;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function mapStoreError(err: unknown, target: Target, name: string): never {
  if (isStoreError(err, 'NotFound')) throw notFound(target.kind, name);
  if (isStoreError(err, 'AlreadyExists')) {
    throw new ApiError('AlreadyExists', `${resourceName(target.kind)} "${name}" already exists`, {
      name,
      group: target.kind.group,
      kind: target.kind.plural,
    });
  }
  if (isStoreError(err, 'Conflict')) {
    throw new ApiError('Conflict', err.message.replace(target.kind.plural, resourceName(target.kind)), {
      name,
      group: target.kind.group,
      kind: target.kind.plural,
    });
  }
  throw err;
}

function resourceName(kind: KindInfo): string {
  return kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
}

/** Verbs over one cluster's store. */
export class Resources {
  constructor(private readonly store: ClusterStore) {}

  list(target: Target): StoredObject[] {
    return this.store.list(refOf(target.kind), target.namespace).map((o) => this.serve(target, o));
  }

  get(target: Target & { name: string }): StoredObject {
    const obj = this.store.get(refOf(target.kind), target.namespace, target.name);
    if (!obj) throw notFound(target.kind, target.name);
    if (target.subresource === 'scale') return scaleOf(obj);
    return this.serve(target, obj);
  }

  /** POST to a collection. `dryRun` validates and answers without writing. */
  create(target: Target, body: unknown, dryRun: boolean): StoredObject {
    const obj = this.prepare(target, body, undefined);
    const ref = refOf(target.kind);
    return this.write(target, obj.metadata.name, dryRun, (w) => {
      this.requireNamespace(w, target);
      return w.create(ref, obj);
    });
  }

  /** PUT of an object (or its `status` / `scale`). */
  update(target: Target & { name: string }, body: unknown, dryRun: boolean): StoredObject {
    const ref = refOf(target.kind);
    return this.write(target, target.name, dryRun, (w) => {
      const current = w.get(ref, target.namespace, target.name);
      if (!current) throw notFound(target.kind, target.name);
      return this.replace(w, target, current, body);
    });
  }

  /** PATCH in one of the four formats; a server-side apply of a missing object creates it. */
  patch(target: Target & { name: string }, patch: unknown, type: PatchType, dryRun: boolean): StoredObject {
    const ref = refOf(target.kind);
    return this.write(target, target.name, dryRun, (w) => {
      const current = w.get(ref, target.namespace, target.name);
      if (!current) {
        if (type !== 'apply' || target.subresource) throw notFound(target.kind, target.name);
        this.requireNamespace(w, target);
        return w.create(ref, this.prepare(target, patch, target.name));
      }
      const base = target.subresource === 'scale' ? scaleOf(current) : this.serve(target, current);
      const patched = applyPatch(base, patch, type);
      if (!isRec(patched)) throw new ApiError('BadRequest', 'the patch did not produce an object');
      if (target.subresource !== 'scale' && isRec(patched.metadata)) {
        // A patch that does not name a resourceVersion must not conflict with the version it was applied to.
        const patchMeta = isRec(patch) && isRec(patch.metadata) ? patch.metadata : {};
        if (patchMeta.resourceVersion === undefined)
          patched.metadata.resourceVersion = current.metadata.resourceVersion;
      }
      return this.replace(w, target, current, patched);
    });
  }

  /** DELETE; a Namespace takes every object inside it along, in the same transaction. */
  delete(target: Target & { name: string }, dryRun: boolean): StoredObject {
    const ref = refOf(target.kind);
    return this.write(target, target.name, dryRun, (w) => {
      if (target.kind === NAMESPACES) {
        for (const kind of [...KINDS, ...customKinds(this.store)]) {
          if (!kind.namespaced || kind.scope !== 'cluster') continue;
          for (const o of w.list(refOf(kind), target.name)) w.delete(refOf(kind), target.name, o.metadata.name);
        }
      }
      if (target.kind.group === CRD_REF.group && target.kind.plural === CRD_REF.plural) {
        // A CRD takes its objects along, as the API server's finalizer does.
        const kind = customKinds(this.store).find((k) => k.custom.crd === target.name);
        for (const o of kind ? w.list(refOf(kind)) : []) w.delete(refOf(kind!), o.metadata.namespace, o.metadata.name);
      }
      return w.delete(ref, target.namespace, target.name);
    });
  }

  /** DELETE on a collection: removes the objects `select` accepts. */
  deleteCollection(target: Target, select: (o: StoredObject) => boolean, dryRun: boolean): StoredObject[] {
    return this.list(target)
      .filter(select)
      .map((o) => this.delete({ ...target, name: o.metadata.name }, dryRun));
  }

  private write(target: Target, name: string, dryRun: boolean, fn: (w: StoreWriter) => StoredObject): StoredObject {
    const rollback = new Error('dry run');
    let result: StoredObject | undefined;
    try {
      this.store.transaction((w) => {
        result = fn(w);
        if (dryRun) throw rollback;
      });
    } catch (err) {
      if (err !== rollback) mapStoreError(err, target, name);
    }
    if (!result) throw new ApiError('InternalError', 'write produced no object');
    return target.subresource === 'scale' ? scaleOf(result) : this.serve(target, result);
  }

  private requireNamespace(w: StoreWriter, target: Target): void {
    if (target.kind.namespaced && target.namespace && !w.get(refOf(NAMESPACES), undefined, target.namespace)) {
      throw notFound(NAMESPACES, target.namespace);
    }
  }

  /** Turns a submitted body into the object to store: checks identity, strips server fields, validates. */
  private prepare(target: Target, body: unknown, name: string | undefined): StoredObject {
    if (!isRec(body)) throw new ApiError('BadRequest', 'the request body must be an object');
    const meta: Rec = isRec(body.metadata) ? { ...body.metadata } : {};
    const expectedApi = asVersion(target.kind, target.version, { apiVersion: '', kind: '', metadata: { name: '' } });
    if (body.kind !== undefined && body.kind !== target.kind.kind) {
      throw new ApiError(
        'BadRequest',
        `the kind ${String(body.kind)} does not match the request path (${target.kind.kind})`,
      );
    }
    if (body.apiVersion !== undefined && body.apiVersion !== expectedApi.apiVersion) {
      const ok = target.kind.versions.some(
        (v) => body.apiVersion === asVersion(target.kind, v, expectedApi).apiVersion,
      );
      if (!ok)
        throw new ApiError('BadRequest', `the apiVersion ${String(body.apiVersion)} does not match the request path`);
    }
    if (target.kind.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== target.namespace) {
        throw new ApiError(
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = target.namespace;
    } else delete meta.namespace;
    if (name !== undefined) meta.name = name;
    if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string') {
      meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    }
    for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp']) delete meta[f];
    const obj: Rec = { ...body, apiVersion: storageApiVersion(target.kind), kind: target.kind.kind, metadata: meta };
    if (hasStatusSubresource(target.kind)) delete obj.status;
    return this.validate(target, obj);
  }

  private validate(target: Target, obj: Rec): StoredObject {
    if (isCustomKind(target.kind)) {
      const causes = customCauses(target.kind, target.version, obj);
      if (causes.length > 0) throw invalid(target.kind, obj, causes);
      return { ...(obj as StoredObject), apiVersion: storageApiVersion(target.kind) };
    }
    const served = {
      ...obj,
      apiVersion: asVersion(target.kind, target.version, obj as unknown as StoredObject).apiVersion,
    };
    const result = checkObject(served);
    const causes = [
      ...(result.ok ? [] : result.issues).map((i) => ({
        reason: 'FieldValueInvalid',
        message: i.message,
        field: i.path,
      })),
      // Local-cluster admission (pods are processes here): see admission.ts.
      ...admissionCauses(admissionViolations(obj)),
    ];
    if (!result.ok || causes.length > 0) throw invalid(target.kind, obj, causes);
    for (const w of result.warnings) target.warnings?.push(`${w.path}: ${w.message}`);
    return normalizeOnWrite(target.kind.kind, {
      ...(result.value as StoredObject),
      apiVersion: storageApiVersion(target.kind),
    });
  }

  /** The write behind PUT and PATCH: subresource rules, identity checks, generation, validation. */
  private replace(w: StoreWriter, target: Target, current: StoredObject, body: unknown): StoredObject {
    const ref = refOf(target.kind);
    if (target.subresource === 'scale') {
      const next = withScale(current, body);
      if (typeof next === 'string') {
        throw new ApiError('Invalid', `Scale.autoscaling "${current.metadata.name}" is invalid: ${next}`, {
          name: current.metadata.name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [{ reason: 'FieldValueInvalid', message: next.split(': ')[1] ?? next, field: 'spec.replicas' }],
        });
      }
      return w.update(ref, bumpGeneration(current, next));
    }
    if (!isRec(body)) throw new ApiError('BadRequest', 'the request body must be an object');
    const meta = isRec(body.metadata) ? body.metadata : {};
    if (meta.name !== undefined && meta.name !== current.metadata.name) {
      throw new ApiError(
        'BadRequest',
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${current.metadata.name})`,
      );
    }
    if (target.subresource === 'status') {
      const next: StoredObject = {
        ...current,
        status: body.status,
        metadata: {
          ...current.metadata,
          resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined,
        },
      };
      return w.update(ref, next);
    }
    const prepared = this.prepare(
      target,
      { ...body, metadata: { ...meta, name: current.metadata.name } },
      current.metadata.name,
    );
    const next: StoredObject = {
      ...prepared,
      metadata: {
        ...prepared.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
        resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined,
      },
    };
    if (hasStatusSubresource(target.kind) && current.status !== undefined) next.status = current.status;
    const frozen = immutableViolations(target.kind.kind, current, next);
    if (frozen.length > 0) {
      const name = current.metadata.name;
      throw new ApiError(
        'Invalid',
        `${target.kind.kind}.${target.kind.group || 'core'} "${name}" is invalid: ` +
          frozen.map((f) => `${f.field}: Forbidden: ${f.message}`).join(', '),
        {
          name,
          group: target.kind.group,
          kind: target.kind.kind,
          causes: frozen.map((f) => ({ reason: 'FieldValueForbidden', message: f.message, field: f.field })),
        },
      );
    }
    return w.update(ref, bumpGeneration(current, next));
  }

  private serve(target: Target, obj: StoredObject): StoredObject {
    return asVersion(target.kind, target.version, obj);
  }
}

/** The 422 of an invalid object: one cause per invalid field, as kubectl prints them. */
function invalid(
  kind: KindInfo,
  obj: Rec,
  causes: readonly { field: string; message: string; reason?: string }[],
): ApiError {
  const name = isRec(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  return new ApiError(
    'Invalid',
    `${kind.kind}.${kind.group || 'core'} "${name}" is invalid: ` +
      causes.map((c) => `${c.field}: ${c.message}`).join(', '),
    {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
    },
  );
}

function bumpGeneration(current: StoredObject, next: StoredObject): StoredObject {
  if (specOf(current) === specOf(next)) return next;
  return { ...next, metadata: { ...next.metadata, generation: (current.metadata.generation ?? 1) + 1 } };
}

function applyPatch(base: StoredObject, patch: unknown, type: PatchType): unknown {
  switch (type) {
    case 'merge':
      return jsonMergePatch(base, patch);
    case 'strategic':
    case 'apply':
      // Server-side apply is approximated as a strategic merge of the applied configuration (no field ownership).
      return strategicMergePatch(base, patch);
    case 'json':
      return jsonPatch(base, patch);
  }
}
