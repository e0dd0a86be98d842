/**
 * The management plane's object model: the TSB kinds it stores, how an object is addressed (its ref), its parent in
 * the Organization > Tenant > Workspace hierarchy, and its TSB-style fully qualified name (fqn). Pure.
 */

import { PARENT_LEVELS, tsbFqn, type HierarchyLevel, type TsbKindName } from '../api/fqn.js';

/** The kinds the management plane serves (the `mgmt` scope of the kind registry). */
export const MGMT_KINDS = [
  'Organization',
  'Tenant',
  'Workspace',
  'WorkspaceSetting',
  'OrganizationSetting',
  'Cluster',
  'FailoverPolicy',
  'FailoverDrill',
] as const satisfies readonly TsbKindName[];

export type MgmtKind = (typeof MGMT_KINDS)[number];

/** Whether a string names a management-plane kind. */
export function isMgmtKind(kind: unknown): kind is MgmtKind {
  return typeof kind === 'string' && (MGMT_KINDS as readonly string[]).includes(kind);
}

/**
 * The address of one object. Absent levels are `''` so the tuple (kind, organization, tenant, workspace, name) is a
 * total key. An Organization is addressed by its own name in `organization` as well as `name`, so "everything in
 * organization X" includes the organization itself.
 */
export interface ObjectRef {
  readonly kind: MgmtKind;
  readonly organization: string;
  readonly tenant: string;
  readonly workspace: string;
  readonly name: string;
}

/** An object in its TSB YAML form (`metadata: {organization, tenant, workspace, name}`). */
export interface MgmtObject {
  apiVersion: string;
  kind: MgmtKind;
  metadata: MgmtMetadata;
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Metadata of a TSB object; server-set fields (resourceVersion) are stripped before storing. */
export interface MgmtMetadata {
  name: string;
  organization?: string;
  tenant?: string;
  workspace?: string;
  [field: string]: unknown;
}

/** Which hierarchy fields a kind's metadata must carry, outermost first. */
export const PARENT_FIELDS: Readonly<Record<MgmtKind, readonly HierarchyLevel[]>> = PARENT_LEVELS;

/** Depth in the hierarchy; deletes run deepest first so a batch may remove a parent together with its children. */
export function depthOf(kind: MgmtKind): number {
  return kind === 'Organization' ? 0 : PARENT_FIELDS[kind].length;
}

/** The ref of an object whose metadata has already been validated (every required level present). */
export function refOf(object: MgmtObject): ObjectRef {
  const m = object.metadata;
  const fields = PARENT_FIELDS[object.kind];
  const level = (f: 'organization' | 'tenant' | 'workspace'): string => (fields.includes(f) ? String(m[f] ?? '') : '');
  return {
    kind: object.kind,
    organization: object.kind === 'Organization' ? m.name : level('organization'),
    tenant: level('tenant'),
    workspace: level('workspace'),
    name: m.name,
  };
}

/** The parent a kind requires to exist before it can be stored (undefined for an Organization). */
export function parentOf(ref: ObjectRef): ObjectRef | undefined {
  const base = { organization: ref.organization, tenant: '', workspace: '' };
  switch (ref.kind) {
    case 'Organization':
      return undefined;
    case 'Tenant':
    case 'OrganizationSetting':
    case 'Cluster':
      return { ...base, kind: 'Organization', name: ref.organization };
    case 'Workspace':
      return { ...base, kind: 'Tenant', name: ref.tenant };
    case 'WorkspaceSetting':
    case 'FailoverPolicy':
    case 'FailoverDrill':
      return { ...base, kind: 'Workspace', tenant: ref.tenant, name: ref.workspace };
  }
}

/** The kinds whose objects hang directly under an object of `kind` (what blocks deleting it). */
export function childKindsOf(kind: MgmtKind): readonly MgmtKind[] {
  switch (kind) {
    case 'Organization':
      return ['Tenant', 'OrganizationSetting', 'Cluster'];
    case 'Tenant':
      return ['Workspace'];
    case 'Workspace':
      return ['WorkspaceSetting', 'FailoverPolicy', 'FailoverDrill'];
    default:
      return [];
  }
}

/** The filter selecting the direct children of `ref` of one child kind. */
export function childFilter(ref: ObjectRef, childKind: MgmtKind): ObjectFilter {
  switch (ref.kind) {
    case 'Organization':
      return { kind: childKind, organization: ref.organization };
    case 'Tenant':
      return { kind: childKind, organization: ref.organization, tenant: ref.name };
    default:
      return { kind: childKind, organization: ref.organization, tenant: ref.tenant, workspace: ref.name };
  }
}

/** A selection of objects; absent fields match anything. */
export interface ObjectFilter {
  kind?: MgmtKind;
  organization?: string;
  tenant?: string;
  workspace?: string;
  name?: string;
}

/**
 * TSB-style fully qualified name, e.g. `organizations/o/tenants/t/workspaces/w/settings/s` for a WorkspaceSetting,
 * `organizations/o/clusters/c` for a Cluster. Together with the kind it identifies an object (status reports use it).
 */
export function fqnOf(ref: ObjectRef): string {
  return tsbFqn(ref.kind, ref);
}

/** Parses an fqn back into a ref of `kind`; undefined when it does not have that kind's shape. */
export function parseFqn(kind: MgmtKind, fqn: string): ObjectRef | undefined {
  const parts = fqn.split('/');
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) pairs.push([parts[i] ?? '', parts[i + 1] ?? '']);
  if (parts.length % 2 !== 0 || pairs.some(([, v]) => v === '')) return undefined;
  const values = pairs.map(([, v]) => v);
  const ref = refFromSegments(kind, values);
  return ref !== undefined && fqnOf(ref) === fqn ? ref : undefined;
}

/**
 * Builds a ref from positional segments `<org>/<tenant?>/<workspace?>/<name>` as used in
 * `/v2/objects/<Kind>/...` (an Organization is just `<name>`); undefined when the count is wrong.
 */
export function refFromSegments(kind: MgmtKind, segments: readonly string[]): ObjectRef | undefined {
  const levels = PARENT_FIELDS[kind];
  if (segments.length !== levels.length + 1 || segments.some((s) => s === '')) return undefined;
  const at = (f: 'organization' | 'tenant' | 'workspace'): string => {
    const i = levels.indexOf(f);
    return i < 0 ? '' : (segments[i] ?? '');
  };
  const name = segments[segments.length - 1] ?? '';
  return {
    kind,
    organization: kind === 'Organization' ? name : at('organization'),
    tenant: at('tenant'),
    workspace: at('workspace'),
    name,
  };
}

/** The positional segments of a ref (inverse of refFromSegments). */
export function segmentsOf(ref: ObjectRef): string[] {
  return [...PARENT_FIELDS[ref.kind].map((f) => ref[f]), ref.name];
}

/** A short human label, `Kind/fqn`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind}/${fqnOf(ref)}`;
}
