/**
 * Where a management-plane object sits in the Organization > Tenant > Workspace hierarchy and its TSB-style fully
 * qualified name (`organizations/o/tenants/t/workspaces/w/settings/s`), which status reports, generated objects'
 * annotations and drill runs use to name it. One table for the management plane and the federation. Pure.
 */
import type { TsbObject } from './kinds/index.js';

/** A management-plane kind. */
export type TsbKindName = TsbObject['kind'];

/** A level of the hierarchy. */
export type HierarchyLevel = 'organization' | 'tenant' | 'workspace';

/** Which hierarchy fields a kind's metadata must carry, outermost first. */
export const PARENT_LEVELS: Readonly<Record<TsbKindName, readonly HierarchyLevel[]>> = Object.freeze({
  Organization: [],
  Tenant: ['organization'],
  Workspace: ['organization', 'tenant'],
  WorkspaceSetting: ['organization', 'tenant', 'workspace'],
  OrganizationSetting: ['organization'],
  Cluster: ['organization'],
  FailoverPolicy: ['organization', 'tenant', 'workspace'],
  FailoverDrill: ['organization', 'tenant', 'workspace'],
});

/** The kinds that live under a workspace. */
export const WORKSPACE_KINDS: readonly TsbKindName[] = Object.freeze(
  (Object.keys(PARENT_LEVELS) as TsbKindName[]).filter((k) => PARENT_LEVELS[k].includes('workspace')),
);

/** Whether `kind` lives under a workspace (WorkspaceSetting, FailoverPolicy, FailoverDrill). */
export const isWorkspaceKind = (kind: string): boolean => (WORKSPACE_KINDS as readonly string[]).includes(kind);

/** The fqn segment naming a kind's objects. */
const SEGMENT: Readonly<Record<TsbKindName, string>> = Object.freeze({
  Organization: 'organizations',
  Tenant: 'tenants',
  Workspace: 'workspaces',
  WorkspaceSetting: 'settings',
  OrganizationSetting: 'settings',
  Cluster: 'clusters',
  FailoverPolicy: 'failoverpolicies',
  FailoverDrill: 'failoverdrills',
});

const LEVEL_SEGMENT: Readonly<Record<HierarchyLevel, string>> = {
  organization: 'organizations',
  tenant: 'tenants',
  workspace: 'workspaces',
};

/**
 * The fqn of an object of `kind` whose metadata carries its levels, e.g. `organizations/o/clusters/c` for a
 * Cluster. An Organization is `organizations/<name>`.
 */
export function tsbFqn(
  kind: TsbKindName,
  m: { readonly organization?: string; readonly tenant?: string; readonly workspace?: string; readonly name: string },
): string {
  const parents = PARENT_LEVELS[kind].map((level) => `${LEVEL_SEGMENT[level]}/${m[level] ?? ''}`);
  return [...parents, `${SEGMENT[kind]}/${m.name}`].join('/');
}

/** Whether a string names a management-plane kind. */
export function isTsbKind(kind: unknown): kind is TsbKindName {
  return typeof kind === 'string' && Object.hasOwn(PARENT_LEVELS, kind);
}
