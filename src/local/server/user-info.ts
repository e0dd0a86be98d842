/**
 * Who a request to an embedded cluster's API comes from, once the guard has authenticated it (guard.ts): a user name
 * and groups, as kube-apiserver's authenticators produce them. Authorization (rbac-authorizer.ts) decides on these.
 */

/** An authenticated caller. */
export interface UserInfo {
  readonly user: string;
  readonly groups: readonly string[];
}

/** Group of every authenticated caller (Kubernetes' default policy grants discovery to it). */
export const AUTHENTICATED_GROUP = 'system:authenticated';

/** Group that is allowed everything, without any RBAC object (as kube-apiserver's privileged-group authorizer). */
export const MASTERS_GROUP = 'system:masters';

/** The holder of the cluster's admin token (the kubeconfig's `local up` writes). */
export const ADMIN_USER: UserInfo = Object.freeze({
  user: 'admin',
  groups: Object.freeze([MASTERS_GROUP, AUTHENTICATED_GROUP]),
});

/** The user name of a ServiceAccount, `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The identity of a ServiceAccount's token, with the groups Kubernetes gives it. */
export function serviceAccountUserInfo(namespace: string, name: string): UserInfo {
  return {
    user: serviceAccountUser(namespace, name),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, AUTHENTICATED_GROUP],
  };
}

/**
 * An RBAC object as stored (only the fields RBAC reads). Here rather than in rbac-authorizer.ts so the built-in
 * roles (rbac-defaults.ts) and the authorizer that reads them do not import each other.
 */
export interface RbacObject {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [field: string]: unknown;
}
