/**
 * `meshbridge install remote --cluster NAME`: what a workload cluster needs so the controller can federate it: the
 * IngressGateway CRD, a service account whose ClusterRole holds exactly the controller's rules (rbac.ts), and a
 * long-lived token Secret for it, from which the operator builds the kubeconfig entry the management cluster's
 * `meshbridge-kubeconfigs` Secret carries (docs/production.md).
 */
import { crdFor } from './crds.js';
import type { Manifest } from './manifest.js';
import type { RemoteOptions } from './options.js';
import { controllerRules } from './rbac.js';
import { labels } from './workload.js';

/** The service account the controller acts as in a workload cluster. */
export const REMOTE_ACCOUNT = 'meshbridge-federation';

/** Every manifest of a workload cluster, in apply order. */
export function remoteManifests(o: RemoteOptions): Manifest[] {
  const meta = (name: string, namespaced = true) => ({
    name,
    ...(namespaced ? { namespace: o.namespace } : {}),
    labels: { ...labels('federation-access'), 'meshbridge.io/cluster': o.cluster },
  });
  return [
    crdFor('IngressGateway'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(o.namespace, false) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(REMOTE_ACCOUNT), automountServiceAccountToken: false },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(REMOTE_ACCOUNT, false),
      rules: controllerRules(),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(REMOTE_ACCOUNT, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: REMOTE_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: REMOTE_ACCOUNT, namespace: o.namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...meta(`${REMOTE_ACCOUNT}-token`),
        annotations: { 'kubernetes.io/service-account.name': REMOTE_ACCOUNT },
      },
      type: 'kubernetes.io/service-account-token',
    },
  ];
}
