/**
 * RBAC enforcement at the edge of an embedded cluster's API: reads the cluster's Roles, ClusterRoles, RoleBindings
 * and ClusterRoleBindings from the live store and asks the pure authorizer (rbac-authorizer.ts). The snapshot is
 * reused while no object of those four kinds was written, so a binding applied with kubectl counts from the very
 * next request, and a storm of other writes does not re-read the policy on every request.
 */
import type { ClusterStore } from '../store/cluster-store.js';
import type { ResourceRef } from '../store/types.js';
import { authorize, forbiddenMessage, type RbacPolicy } from './rbac-authorizer.js';
import type { RequestAttributes } from './request-attributes.js';
import { ApiError } from './status.js';
import type { UserInfo } from './user-info.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const REFS: Readonly<Record<keyof RbacPolicy, ResourceRef>> = {
  roles: { group: RBAC_GROUP, plural: 'roles' },
  clusterRoles: { group: RBAC_GROUP, plural: 'clusterroles' },
  roleBindings: { group: RBAC_GROUP, plural: 'rolebindings' },
  clusterRoleBindings: { group: RBAC_GROUP, plural: 'clusterrolebindings' },
};

/** Decides requests of one cluster; `check` throws the 403 kube-apiserver would answer. */
export interface Authorizer {
  /** Whether `user` may do what `attrs` describe. */
  allowed(user: UserInfo, attrs: RequestAttributes): boolean;
  /** Throws ApiError Forbidden (403) with kube-apiserver's message unless allowed. */
  check(user: UserInfo, attrs: RequestAttributes): void;
}

/** The RBAC authorizer over a cluster store. */
export function storeAuthorizer(store: ClusterStore): Authorizer {
  let cached: { version: string; policy: RbacPolicy } | undefined;
  const policy = (): RbacPolicy => {
    const version = Object.values(REFS)
      .map((ref) => store.resourceVersion(ref))
      .join(',');
    if (cached?.version !== version) {
      cached = {
        version,
        policy: {
          roles: store.list(REFS.roles),
          clusterRoles: store.list(REFS.clusterRoles),
          roleBindings: store.list(REFS.roleBindings),
          clusterRoleBindings: store.list(REFS.clusterRoleBindings),
        },
      };
    }
    return cached.policy;
  };
  const allowed = (user: UserInfo, attrs: RequestAttributes): boolean => authorize(user, attrs, policy()).allowed;
  return {
    allowed,
    check(user, attrs) {
      if (allowed(user, attrs)) return;
      throw forbidden(user, attrs);
    },
  };
}

/** The 403 of a denied request, with the Status details kube-apiserver sets (group, resource as kind, name). */
export function forbidden(user: UserInfo, attrs: RequestAttributes): ApiError {
  if (!attrs.resourceRequest) return new ApiError('Forbidden', forbiddenMessage(user, attrs), {});
  return new ApiError('Forbidden', forbiddenMessage(user, attrs), {
    ...(attrs.name ? { name: attrs.name } : {}),
    group: attrs.apiGroup,
    kind: attrs.resource,
  });
}
