/**
 * The RBAC kinds (`rbac.authorization.k8s.io/v1`): Role and ClusterRole (rules), RoleBinding and ClusterRoleBinding
 * (subjects granted a role). The local clusters store and serve them so the production manifests apply as they
 * are; they do not enforce them (every caller of a local cluster holds its one admin credential).
 */
import { z } from 'zod';
import { labelSelector } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

const RBAC = apiVersionSchema('rbac.authorization.k8s.io', ['v1']);

/** RBAC object names are path segments (`system:controller:foo` is valid): no `/`, no `%`, not `.` or `..`. */
const pathSegmentName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[^/%]+$/, { error: 'must not contain "/" or "%"' })
  .refine((n) => n !== '.' && n !== '..', { error: 'must not be "." or ".."' });

/** One rule: verbs on resources of API groups (optionally by name), or on non-resource URLs. */
const policyRule = z
  .strictObject({
    verbs: z.array(z.string().min(1)).min(1),
    apiGroups: z.array(z.string()).optional(),
    resources: z.array(z.string().min(1)).optional(),
    resourceNames: z.array(z.string().min(1)).optional(),
    nonResourceURLs: z.array(z.string().min(1)).optional(),
  })
  .superRefine((r, ctx) => {
    // The API server's rule: a rule names resources (with apiGroups) or non-resource URLs, not both.
    if ((r.resources?.length ?? 0) > 0 && (r.nonResourceURLs?.length ?? 0) > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['nonResourceURLs'],
        message: 'rules cannot apply to both regular resources and non-resource URLs',
      });
    }
    if ((r.resources?.length ?? 0) > 0 && r.apiGroups === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiGroups'],
        message: 'required with resources (use [""] for the core group)',
      });
    }
  });

/** Who a binding grants its role to. */
const subject = z
  .strictObject({
    kind: z.enum(['ServiceAccount', 'User', 'Group']),
    name: z.string().min(1),
    namespace: z.string().optional(),
    apiGroup: z.string().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.kind === 'ServiceAccount' && !s.namespace) {
      ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'required for a ServiceAccount subject' });
    }
  });

/** The role a binding grants. */
const roleRef = (kinds: readonly [string, ...string[]]) =>
  z.strictObject({
    apiGroup: z.literal('rbac.authorization.k8s.io'),
    kind: z.enum(kinds),
    name: pathSegmentName,
  });

/** Schema of a Role (namespaced rules). */
export const roleSchema = z.strictObject({
  ...kubeHeader('Role', RBAC, pathSegmentName),
  rules: z.array(policyRule).optional(),
});

/** Schema of a ClusterRole (cluster-wide rules; an aggregation rule collects the rules of labelled roles). */
export const clusterRoleSchema = z.strictObject({
  ...kubeHeader('ClusterRole', RBAC, pathSegmentName),
  rules: z.array(policyRule).optional(),
  aggregationRule: z.strictObject({ clusterRoleSelectors: z.array(labelSelector).optional() }).optional(),
});

/** Schema of a RoleBinding (grants a Role or a ClusterRole within its namespace). */
export const roleBindingSchema = z.strictObject({
  ...kubeHeader('RoleBinding', RBAC, pathSegmentName),
  subjects: z.array(subject).optional(),
  roleRef: roleRef(['Role', 'ClusterRole']),
});

/** Schema of a ClusterRoleBinding (grants a ClusterRole everywhere). */
export const clusterRoleBindingSchema = z.strictObject({
  ...kubeHeader('ClusterRoleBinding', RBAC, pathSegmentName),
  subjects: z.array(subject).optional(),
  roleRef: roleRef(['ClusterRole']),
});

/** A Kubernetes Role. */
export type Role = z.infer<typeof roleSchema>;
/** A Kubernetes ClusterRole. */
export type ClusterRole = z.infer<typeof clusterRoleSchema>;
/** A Kubernetes RoleBinding. */
export type RoleBinding = z.infer<typeof roleBindingSchema>;
/** A Kubernetes ClusterRoleBinding. */
export type ClusterRoleBinding = z.infer<typeof clusterRoleBindingSchema>;
