/**
 * The part of Kubernetes' bootstrap RBAC policy an embedded cluster applies without storing it: the roles every
 * authenticated client needs before any binding exists (kubectl and client-node read discovery and `/version`
 * first, and `kubectl auth can-i` posts a SelfSubjectAccessReview), and `cluster-admin`, which manifests commonly
 * bind. They are not listed by `kubectl get clusterroles`; a stored ClusterRole of the same name takes their place.
 *
 * Kubernetes' aggregated roles (`admin`, `edit`, `view`) are not provided: aggregation is not supported.
 */
import { AUTHENTICATED_GROUP, MASTERS_GROUP, type RbacObject } from './user-info.js';

const clusterRole = (name: string, rules: readonly Record<string, readonly string[]>[]): RbacObject =>
  Object.freeze({ metadata: { name }, rules });

const bindGroup = (name: string, group: string): RbacObject =>
  Object.freeze({
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  });

/** The built-in ClusterRoles, with Kubernetes' names and rules. */
export const BUILTIN_CLUSTER_ROLES: readonly RbacObject[] = Object.freeze([
  clusterRole('cluster-admin', [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] },
  ]),
  clusterRole('system:discovery', [
    {
      nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*'],
      verbs: ['get'],
    },
    { nonResourceURLs: ['/readyz', '/version', '/version/'], verbs: ['get'] },
  ]),
  clusterRole('system:public-info-viewer', [
    { nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] },
  ]),
  clusterRole('system:basic-user', [
    {
      apiGroups: ['authorization.k8s.io'],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      verbs: ['create'],
    },
  ]),
]);

/** The built-in ClusterRoleBindings: the defaults above to every authenticated user, cluster-admin to masters. */
export const BUILTIN_CLUSTER_ROLE_BINDINGS: readonly RbacObject[] = Object.freeze([
  bindGroup('cluster-admin', MASTERS_GROUP),
  bindGroup('system:discovery', AUTHENTICATED_GROUP),
  bindGroup('system:public-info-viewer', AUTHENTICATED_GROUP),
  bindGroup('system:basic-user', AUTHENTICATED_GROUP),
]);
