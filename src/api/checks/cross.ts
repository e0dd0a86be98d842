/**
 * Rules across the documents given together (one `validate -f` or one apply). Parent references are only checked
 * when the set defines objects of the parent kind: a WorkspaceSetting alone may well target a workspace that
 * already exists on the server, but when the same set defines workspaces, one it does not define is a typo.
 */
import { isWorkspaceKind } from '../fqn.js';
import { makeIssue, type Issue } from '../issues.js';
import type { ApiObject, TsbObject } from '../kinds/index.js';
import type { IngressGateway } from '../kinds/install/ingress-gateway.js';
import { checkGatewaySelection } from './gateway-selection.js';
import { KINDS } from '../registry.js';

/** An object of the set and an opaque reference back to where it came from. */
export interface SetMember {
  object: ApiObject;
  ref: number;
}

/** An issue about one member. */
export interface MemberIssue {
  ref: number;
  issue: Issue;
}

/** The management-plane kinds, from the kind table (one source of truth). */
const TSB_KINDS = new Set(KINDS.filter((k) => k.scope === 'mgmt').map((k) => k.kind));

function isTsb(o: ApiObject): o is TsbObject {
  return TSB_KINDS.has(o.kind);
}

/** The identity of an object: two documents with one identity describe the same object. */
export function identityOf(o: ApiObject): string {
  if (isTsb(o)) {
    const m = o.metadata as { organization?: string; tenant?: string; workspace?: string; name: string };
    return [o.kind, m.organization ?? '', m.tenant ?? '', m.workspace ?? '', m.name].join('/');
  }
  return [o.kind, o.metadata.namespace ?? '', o.metadata.name ?? ''].join('/');
}

/** Runs every cross-object rule over `members`. */
export function crossChecks(members: readonly SetMember[]): MemberIssue[] {
  const out: MemberIssue[] = [];
  const who = (o: ApiObject) => ({ kind: o.kind, name: o.metadata.name });

  const seen = new Map<string, number>();
  for (const { object, ref } of members) {
    const id = identityOf(object);
    if (seen.has(id))
      out.push({
        ref,
        issue: makeIssue(
          'DUPLICATE_OBJECT',
          'metadata.name',
          `${object.kind}/${object.metadata.name ?? ''} is defined twice in these documents; the later definition wins`,
          who(object),
        ),
      });
    else seen.set(id, ref);
  }

  const tsb = members.filter((m): m is { object: TsbObject; ref: number } => isTsb(m.object));
  const meta = (o: TsbObject) =>
    o.metadata as { organization?: string; tenant?: string; workspace?: string; name: string };
  const orgs = new Set(tsb.filter((m) => m.object.kind === 'Organization').map((m) => m.object.metadata.name));
  const tenants = new Set(
    tsb
      .filter((m) => m.object.kind === 'Tenant')
      .map((m) => `${meta(m.object).organization}/${m.object.metadata.name}`),
  );
  const workspaces = new Set(
    tsb
      .filter((m) => m.object.kind === 'Workspace')
      .map((m) => `${meta(m.object).organization}/${meta(m.object).tenant}/${m.object.metadata.name}`),
  );

  for (const { object, ref } of tsb) {
    const m = meta(object);
    if (orgs.size > 0 && m.organization !== undefined && !orgs.has(m.organization))
      out.push({
        ref,
        issue: makeIssue(
          'UNDEFINED_PARENT',
          'metadata.organization',
          `organization ${m.organization} is not among the Organizations defined here (${[...orgs].join(', ')})`,
          who(object),
        ),
      });
    if (tenants.size > 0 && m.tenant !== undefined && !tenants.has(`${m.organization}/${m.tenant}`))
      out.push({
        ref,
        issue: makeIssue(
          'UNDEFINED_PARENT',
          'metadata.tenant',
          `tenant ${m.organization}/${m.tenant} is not among the Tenants defined here`,
          who(object),
        ),
      });
    if (
      isWorkspaceKind(object.kind) &&
      workspaces.size > 0 &&
      !workspaces.has(`${m.organization}/${m.tenant}/${m.workspace}`)
    )
      out.push({
        ref,
        issue: makeIssue(
          'UNDEFINED_WORKSPACE',
          'metadata.workspace',
          `workspace ${m.organization}/${m.tenant}/${m.workspace} is not defined here (defined: ${[...workspaces].join(', ')})`,
          who(object),
        ),
      });
  }
  const gateways = members.map((m) => m.object).filter((o): o is IngressGateway => o.kind === 'IngressGateway');
  for (const { object, ref } of members)
    if (object.kind === 'WorkspaceSetting')
      for (const issue of checkGatewaySelection(object, gateways)) out.push({ ref, issue });
  return out;
}
