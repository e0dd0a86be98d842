/**
 * meshbridge's management-plane objects as Kubernetes custom resources, for GitOps tools (Argo CD, Flux) that apply
 * YAML to a cluster: the TSB hierarchy moves from `metadata.organization/tenant/workspace` (which Kubernetes
 * metadata cannot hold) to annotations, as TSB's own GitOps resources carry it; `displayName` and `description`
 * too; the spec is the same. Pure: both directions, the object key both sides share, and the content hashes the
 * sync compares.
 */
import { createHash } from 'node:crypto';
import { PARENT_LEVELS, tsbFqn, type HierarchyLevel } from '../../api/fqn.js';
import { isMgmtKind, type MgmtKind, type MgmtObject } from '../model.js';
import { canonicalJson } from '../../api/canonical-json.js';

/** Where the hierarchy and TSB's metadata fields sit on a custom resource. */
export const CR_ANNOTATIONS = Object.freeze({
  organization: 'tsb.tetrate.io/organization',
  tenant: 'tsb.tetrate.io/tenant',
  workspace: 'tsb.tetrate.io/workspace',
  displayName: 'tsb.tetrate.io/display-name',
  description: 'tsb.tetrate.io/description',
  /** On a CR: the content hashes of the CR and of the stored object when they were last in sync. */
  synced: 'gitops.meshbridge.io/synced',
});

/** On a stored object: it has a custom resource (so a stored object that lost its CR was deleted through it). */
export const MIRRORED_ANNOTATION = 'gitops.meshbridge.io/mirrored';

const OURS = new Set<string>([...Object.values(CR_ANNOTATIONS), MIRRORED_ANNOTATION]);
/** Fields the API server sets on a CR; never part of its content. */
const SERVER_SET_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** A custom resource as read from or written to the cluster. */
export interface CustomResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    [field: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Why a custom resource cannot stand for an object (a missing hierarchy annotation, an unknown kind). */
export class CrFormError extends Error {}

const without = (m: Record<string, string> | undefined, drop: (k: string) => boolean) => {
  const kept = Object.entries(m ?? {}).filter(([k]) => !drop(k));
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
};

/** The CR of a stored object, in `namespace`. */
export function crOf(object: MgmtObject, namespace: string): CustomResource {
  const m = object.metadata;
  const annotations: Record<string, string> = {
    ...(without(m.annotations as Record<string, string> | undefined, (k) => OURS.has(k)) ?? {}),
  };
  for (const level of PARENT_LEVELS[object.kind]) annotations[CR_ANNOTATIONS[level]] = String(m[level] ?? '');
  if (typeof m.displayName === 'string') annotations[CR_ANNOTATIONS.displayName] = m.displayName;
  if (typeof m.description === 'string') annotations[CR_ANNOTATIONS.description] = m.description;
  const labels = m.labels as Record<string, string> | undefined;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: m.name,
      namespace,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
    },
    ...(object.spec === undefined ? {} : { spec: object.spec }),
  };
}

/** The object a CR stands for, as a document to apply (validated by the management plane like any other). */
export function objectOf(cr: CustomResource): MgmtObject {
  if (!isMgmtKind(cr.kind)) throw new CrFormError(`${cr.kind} is not a management-plane kind`);
  const a = cr.metadata.annotations ?? {};
  const metadata: MgmtObject['metadata'] = { name: cr.metadata.name };
  for (const level of PARENT_LEVELS[cr.kind]) {
    const value = a[CR_ANNOTATIONS[level]];
    if (value === undefined || value === '') {
      throw new CrFormError(`annotation ${CR_ANNOTATIONS[level]} is required for a ${cr.kind}`);
    }
    metadata[level] = value;
  }
  if (a[CR_ANNOTATIONS.displayName] !== undefined) metadata.displayName = a[CR_ANNOTATIONS.displayName];
  if (a[CR_ANNOTATIONS.description] !== undefined) metadata.description = a[CR_ANNOTATIONS.description];
  const kept = without(a, (k) => OURS.has(k) || k === SERVER_SET_ANNOTATION);
  if (kept) metadata.annotations = kept;
  const labels = cr.metadata.labels;
  if (labels && Object.keys(labels).length > 0) metadata.labels = { ...labels };
  return {
    apiVersion: cr.apiVersion,
    kind: cr.kind,
    metadata,
    ...(cr.spec === undefined ? {} : { spec: cr.spec }),
  };
}

/** The key an object and its CR share: `Kind/fqn`. */
export function keyOf(object: Pick<MgmtObject, 'kind' | 'metadata'>): string {
  const m = object.metadata;
  const levels: Partial<Record<HierarchyLevel, string>> = {};
  for (const level of PARENT_LEVELS[object.kind as MgmtKind]) levels[level] = String(m[level] ?? '');
  return `${object.kind}/${tsbFqn(object.kind as MgmtKind, { ...levels, name: m.name })}`;
}

/** A content hash of an object (the store's or a CR's TSB form): what the user wrote, nothing the server set. */
export function contentHash(object: MgmtObject): string {
  const m = { ...object.metadata };
  for (const f of ['resourceVersion', 'uid', 'creationTimestamp']) delete m[f];
  const annotations = without(m.annotations as Record<string, string> | undefined, (k) => OURS.has(k));
  if (annotations) m.annotations = annotations;
  else delete m.annotations;
  const body = { ...object, metadata: m };
  return createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 16);
}

/** The `synced` annotation's value: the two hashes at the last sync. */
export const syncedValue = (crHash: string, storeHash: string): string => `${crHash}.${storeHash}`;

/** Reads the `synced` annotation; undefined when absent or malformed. */
export function syncedOf(cr: CustomResource): { cr: string; store: string } | undefined {
  const m = /^([0-9a-f]{16})\.([0-9a-f]{16})$/.exec(cr.metadata.annotations?.[CR_ANNOTATIONS.synced] ?? '');
  return m ? { cr: m[1] as string, store: m[2] as string } : undefined;
}

/** Whether a stored object is marked as having a CR. */
export const isMirrored = (object: MgmtObject): boolean =>
  (object.metadata.annotations as Record<string, string> | undefined)?.[MIRRORED_ANNOTATION] === 'true';

/** The object with the mirrored mark. */
export function markMirrored(object: MgmtObject): MgmtObject {
  const annotations = { ...((object.metadata.annotations as Record<string, string> | undefined) ?? {}) };
  annotations[MIRRORED_ANNOTATION] = 'true';
  return { ...object, metadata: { ...object.metadata, annotations } };
}
