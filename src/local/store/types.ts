/**
 * Shapes the embedded cluster stores and serves. They are structural (any Kubernetes-style object fits), so the
 * store does not depend on the resource model's per-kind types; validation happens at the API edge.
 */

/** An owner reference, as Kubernetes writes it. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Object metadata as the store reads and writes it; other fields pass through untouched. */
export interface StoredMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

/** Any stored object: `apiVersion`, `kind`, `metadata`, and whatever the kind carries (`spec`, `status`, ...). */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: StoredMeta;
  [field: string]: unknown;
}

/** Identifies a kind in storage: its API group and REST plural (`apps` + `deployments`, `` + `pods`). */
export interface ResourceRef {
  readonly group: string;
  readonly plural: string;
}

/** The kind of a change, named like Kubernetes watch events. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change; `object` carries the resourceVersion the change was given (for DELETED: the last state). */
export interface Change {
  readonly resourceVersion: number;
  readonly type: ChangeType;
  readonly resource: ResourceRef;
  readonly object: StoredObject;
}

/** Key of a resource in storage and in the change log. */
export function resourceKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.plural}`;
}
