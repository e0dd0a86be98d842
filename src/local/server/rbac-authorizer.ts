/**
 * Kubernetes RBAC, decided as kube-apiserver's RBAC authorizer does, over a snapshot of the cluster's Roles,
 * ClusterRoles, RoleBindings and ClusterRoleBindings. Pure: the caller (authorization.ts) reads the snapshot from the
 * store.
 *
 * - `system:masters` is allowed everything, with no RBAC object at all (kube-apiserver's privileged group).
 * - A ClusterRoleBinding grants its ClusterRole's rules everywhere: resource rules in every namespace and at the
 *   cluster scope, and `nonResourceURLs` rules.
 * - A RoleBinding grants its Role's (same namespace) or ClusterRole's resource rules only for requests inside the
 *   binding's namespace; `nonResourceURLs` in a role bound by a RoleBinding grant nothing (such requests have no
 *   namespace).
 * - Subjects: `User` (by name), `Group` (by membership), `ServiceAccount` (namespace required; matches the user
 *   `system:serviceaccount:<namespace>:<name>`).
 * - A rule matches when its verbs, apiGroups and resources match (each may be `*`; a resource is `plural` or
 *   `plural/subresource`, and `*\/subresource` matches that subresource of every resource), and, when it has
 *   `resourceNames`, the request names one of them. Requests without a name (create, deletecollection, and list or
 *   watch without a `metadata.name` field selector) never match a rule with resourceNames, as in Kubernetes.
 * - Non-resource rules match the path exactly or, ending in `*`, by prefix.
 * - The built-in defaults of rbac-defaults.ts (discovery and self-reviews for every authenticated user,
 *   `cluster-admin`) apply beside the stored objects; a stored ClusterRole of the same name replaces a default one.
 *
 * Not supported: aggregated ClusterRoles (`aggregationRule` is ignored: only a ClusterRole's own `rules` count),
 * and escalation checks on writes of RBAC objects (whoever may write Roles and bindings may grant anything).
 */
import type { RequestAttributes } from './request-attributes.js';
import { BUILTIN_CLUSTER_ROLE_BINDINGS, BUILTIN_CLUSTER_ROLES } from './rbac-defaults.js';
import { MASTERS_GROUP, type RbacObject, type UserInfo } from './user-info.js';

export type { RbacObject } from './user-info.js';

/** The RBAC objects of a cluster at one moment. */
export interface RbacPolicy {
  readonly roles: readonly RbacObject[];
  readonly clusterRoles: readonly RbacObject[];
  readonly roleBindings: readonly RbacObject[];
  readonly clusterRoleBindings: readonly RbacObject[];
}

/** One PolicyRule, normalized (missing lists are empty). */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** The decision, and (allowed) which binding granted it, for messages and tests. */
export type Decision = { readonly allowed: true; readonly by: string } | { readonly allowed: false };

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

function rulesOf(role: RbacObject | undefined): PolicyRule[] {
  if (!role || !Array.isArray(role.rules)) return [];
  return role.rules.map((r) => {
    const x = rec(r);
    return {
      verbs: strings(x.verbs),
      apiGroups: strings(x.apiGroups),
      resources: strings(x.resources),
      resourceNames: strings(x.resourceNames),
      nonResourceURLs: strings(x.nonResourceURLs),
    };
  });
}

/** Whether a binding subject stands for the user. */
export function subjectMatches(subject: unknown, user: UserInfo): boolean {
  const s = rec(subject);
  const name = typeof s.name === 'string' ? s.name : '';
  switch (s.kind) {
    case 'User':
      return name !== '' && name === user.user;
    case 'Group':
      return name !== '' && user.groups.includes(name);
    case 'ServiceAccount': {
      const namespace = typeof s.namespace === 'string' ? s.namespace : '';
      return namespace !== '' && name !== '' && user.user === `system:serviceaccount:${namespace}:${name}`;
    }
    default:
      return false;
  }
}

const has = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value);

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return rule.resources.some((r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`));
}

/** Whether one rule allows the request. */
export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (!attrs.resourceRequest) {
    return rule.nonResourceURLs.some(
      (u) => u === '*' || u === attrs.path || (u.endsWith('*') && attrs.path.startsWith(u.slice(0, -1))),
    );
  }
  return (
    has(rule.apiGroups, attrs.apiGroup) &&
    resourceMatches(rule, attrs.resource, attrs.subresource) &&
    (rule.resourceNames.length === 0 || (attrs.name !== '' && rule.resourceNames.includes(attrs.name)))
  );
}

function roleRef(binding: RbacObject): { kind: string; name: string } {
  const ref = rec(binding.roleRef);
  return { kind: typeof ref.kind === 'string' ? ref.kind : '', name: typeof ref.name === 'string' ? ref.name : '' };
}

const boundTo = (binding: RbacObject, user: UserInfo): boolean =>
  Array.isArray(binding.subjects) && binding.subjects.some((s) => subjectMatches(s, user));

/** Decides whether `user` may do what `attrs` describe under `policy` (plus the built-in defaults). */
export function authorize(user: UserInfo, attrs: RequestAttributes, policy: RbacPolicy): Decision {
  if (user.groups.includes(MASTERS_GROUP)) return { allowed: true, by: `group ${MASTERS_GROUP}` };
  const clusterRole = (name: string): RbacObject | undefined =>
    policy.clusterRoles.find((r) => r.metadata.name === name) ??
    BUILTIN_CLUSTER_ROLES.find((r) => r.metadata.name === name);
  const grants = (rules: readonly PolicyRule[]): boolean => rules.some((rule) => ruleAllows(rule, attrs));

  for (const binding of [...BUILTIN_CLUSTER_ROLE_BINDINGS, ...policy.clusterRoleBindings]) {
    const ref = roleRef(binding);
    if (ref.kind !== 'ClusterRole' || !boundTo(binding, user)) continue;
    if (grants(rulesOf(clusterRole(ref.name)))) {
      return { allowed: true, by: `ClusterRoleBinding ${binding.metadata.name}` };
    }
  }
  if (!attrs.resourceRequest || attrs.namespace === '') return { allowed: false };
  for (const binding of policy.roleBindings) {
    if (binding.metadata.namespace !== attrs.namespace || !boundTo(binding, user)) continue;
    const ref = roleRef(binding);
    const role =
      ref.kind === 'Role'
        ? policy.roles.find((r) => r.metadata.namespace === attrs.namespace && r.metadata.name === ref.name)
        : ref.kind === 'ClusterRole'
          ? clusterRole(ref.name)
          : undefined;
    // Resource rules only: a RoleBinding never grants non-resource URLs (and this request is a resource request).
    if (grants(rulesOf(role).filter((r) => r.resources.length > 0))) {
      return { allowed: true, by: `RoleBinding ${attrs.namespace}/${binding.metadata.name}` };
    }
  }
  return { allowed: false };
}

/**
 * The message of a denied request, worded as kube-apiserver's:
 * `secrets "x" is forbidden: User "u" cannot get resource "secrets" in API group "" in the namespace "ns"`.
 */
export function forbiddenMessage(user: UserInfo, attrs: RequestAttributes): string {
  if (!attrs.resourceRequest)
    return `forbidden: User ${JSON.stringify(user.user)} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
  const reason =
    `User ${JSON.stringify(user.user)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} ` +
    `in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
  const qualified = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  return attrs.name
    ? `${qualified} ${JSON.stringify(attrs.name)} is forbidden: ${reason}`
    : `${qualified} is forbidden: ${reason}`;
}
