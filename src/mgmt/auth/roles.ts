/**
 * Roles and what each may do (docs/rbac.md holds the same table, and a test checks every route against it):
 * - `org-admin`: everything (scoped to one organization when `scope.organization` is set, else all of them);
 * - `tenant-admin`: its Tenant object and every Workspace and WorkspaceSetting below it;
 * - `workspace-writer`: the WorkspaceSettings of its workspace;
 * - `reader`: reads only.
 * Every authenticated role may read; anonymous callers get 401 everywhere but /healthz and /openapi.json.
 */
import { isWorkspaceKind } from '../../api/fqn.js';
import type { ObjectRef } from '../model.js';

export const ROLES = ['org-admin', 'tenant-admin', 'workspace-writer', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** Whether a string names a role. */
export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Who is calling: the token's name (used in audit records), its role and the part of the hierarchy it covers. */
export interface Principal {
  name: string;
  role: Role;
  scope: { organization?: string; tenant?: string; workspace?: string };
}

/** The hierarchy levels a role's scope must name. */
export const SCOPE_FIELDS: Readonly<Record<Role, readonly ('organization' | 'tenant' | 'workspace')[]>> = {
  'org-admin': [],
  'tenant-admin': ['organization', 'tenant'],
  'workspace-writer': ['organization', 'tenant', 'workspace'],
  reader: [],
};

/** Whether `p` may create, change or delete the object at `ref`. */
export function canWrite(p: Principal, ref: ObjectRef): boolean {
  const s = p.scope;
  switch (p.role) {
    case 'org-admin':
      return s.organization === undefined || s.organization === ref.organization;
    case 'tenant-admin':
      if (s.organization !== ref.organization) return false;
      if (ref.kind === 'Tenant') return ref.name === s.tenant;
      return (ref.kind === 'Workspace' || isWorkspaceKind(ref.kind)) && ref.tenant === s.tenant;
    case 'workspace-writer':
      return (
        isWorkspaceKind(ref.kind) &&
        ref.organization === s.organization &&
        ref.tenant === s.tenant &&
        ref.workspace === s.workspace
      );
    case 'reader':
      return false;
  }
}

/** Whether `p` may report per-cluster status (the federation controller runs with an org-admin token). */
export function canReportStatus(p: Principal, ref: ObjectRef): boolean {
  return p.role === 'org-admin' && (p.scope.organization === undefined || p.scope.organization === ref.organization);
}

/** Whether `p` may read the audit log: an org-admin for every organization (records span organizations). */
export function canReadAudit(p: Principal): boolean {
  return p.role === 'org-admin' && p.scope.organization === undefined;
}
