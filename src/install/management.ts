/**
 * `meshbridge install`: what a management cluster runs. The management plane (`meshbridge server`: REST API, web UI,
 * store) behind a Service on 8443, and the federation controller (`meshbridge controller`) that reads the workload
 * clusters through the kubeconfigs in a Secret and writes their Istio objects. Every secret input is a Secret the
 * operator creates (docs/production.md, "Install"), referenced here, never generated into the output.
 */
import { gitOpsCrds } from './crds.js';
import { gitopsRules } from './rbac.js';
import { controllerManifests } from './controller.js';
import type { Manifest } from './manifest.js';
import type { InstallOptions } from './options.js';
import { CONTAINER_SECURITY, labels, POD_SECURITY, RESOURCES, selector } from './workload.js';

/** Names of the Secrets the operator creates before (or after: pods wait) applying the manifests. */
export const SECRETS = Object.freeze({
  /** `tls.crt`, `tls.key` of the management plane's serving certificate, `ca.crt` of the CA that signed it. */
  tls: 'meshbridge-tls',
  /** `url`: the PostgreSQL URL (with --store postgres). */
  store: 'meshbridge-store',
  /** `kubeconfig`: one context per workload cluster, named as its Cluster object (`install remote`). */
  kubeconfigs: 'meshbridge-kubeconfigs',
  /** `token`: the controller's management-plane token (`meshbridge token create`). */
  controllerToken: 'meshbridge-controller-token',
});

/** Port of the management plane's HTTPS listener and Service. */
export const MGMT_PORT = 8443;
const HOME = '/var/lib/meshbridge';

/** Every manifest of the management cluster, in apply order. */
export function managementManifests(o: InstallOptions): Manifest[] {
  const ns = o.namespace;
  const mgmt = 'meshbridge-mgmt';
  const gitops = o.gitopsNamespace !== undefined;
  return [
    // The CRDs of the management plane's own kinds, for GitOps tools (docs/production.md, "GitOps").
    ...(gitops ? gitOpsCrds() : []),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: labels('namespace') } },
    ...(gitops && o.gitopsNamespace !== ns
      ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.gitopsNamespace, labels: labels('namespace') } }]
      : []),
    { ...serviceAccount(mgmt, ns, 'management-plane'), ...(gitops ? { automountServiceAccountToken: true } : {}) },
    ...(gitops
      ? [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: `${mgmt}-gitops`, labels: labels('management-plane') },
            rules: gitopsRules(),
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: `${mgmt}-gitops`, labels: labels('management-plane') },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${mgmt}-gitops` },
            subjects: [{ kind: 'ServiceAccount', name: mgmt, namespace: ns }],
          },
        ]
      : []),
    serviceAccount('meshbridge-controller', ns, 'controller'),
    ...(o.store === 'sqlite'
      ? [
          {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: { name: 'meshbridge-store', namespace: ns, labels: labels('management-plane') },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ]
      : []),
    mgmtDeployment(o),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: mgmt, namespace: ns, labels: labels('management-plane') },
      spec: {
        selector: selector('management-plane'),
        // No session affinity: web UI sign-in codes and sessions live in the store, shared by every replica.
        ports: [{ name: 'https', port: MGMT_PORT, targetPort: 'https', protocol: 'TCP' }],
      },
    },
    ...(o.mgmtReplicas > 1
      ? [
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: { name: mgmt, namespace: ns, labels: labels('management-plane') },
            spec: { minAvailable: 1, selector: { matchLabels: selector('management-plane') } },
          },
        ]
      : []),
    ...controllerManifests(o, { mgmtUrl: `https://${mgmt}.${ns}.svc:${MGMT_PORT}`, secrets: SECRETS }),
  ];
}

function serviceAccount(name: string, namespace: string, component: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, labels: labels(component) },
    // Neither component calls the management cluster's own API (the GitOps sync's account overrides this).
    automountServiceAccountToken: false,
  };
}

function mgmtDeployment(o: InstallOptions): Manifest {
  const probe = { httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' }, periodSeconds: 10 };
  const store =
    o.store === 'postgres'
      ? [{ name: 'MESHBRIDGE_STORE', valueFrom: { secretKeyRef: { name: SECRETS.store, key: 'url' } } }]
      : [{ name: 'MESHBRIDGE_STORE', value: `sqlite:${HOME}/mgmt.db` }];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'meshbridge-mgmt', namespace: o.namespace, labels: labels('management-plane') },
    spec: {
      replicas: o.mgmtReplicas,
      // SQLite: one writer on one volume, so the old pod stops before the new one starts.
      strategy:
        o.store === 'sqlite' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
      selector: { matchLabels: selector('management-plane') },
      template: {
        metadata: { labels: labels('management-plane') },
        spec: {
          serviceAccountName: 'meshbridge-mgmt',
          // The GitOps sync reads and writes the CRs through this cluster's API with the pod's own account.
          automountServiceAccountToken: o.gitopsNamespace !== undefined,
          securityContext: POD_SECURITY,
          containers: [
            {
              name: 'mgmt',
              image: o.image,
              args: [
                'server',
                '--listen',
                `0.0.0.0:${MGMT_PORT}`,
                '--tls-cert',
                '/etc/meshbridge/tls/tls.crt',
                '--tls-key',
                '/etc/meshbridge/tls/tls.key',
                '--home',
                HOME,
                ...(o.gitopsNamespace === undefined ? [] : ['--gitops', o.gitopsNamespace]),
              ],
              env: store,
              ports: [{ name: 'https', containerPort: MGMT_PORT, protocol: 'TCP' }],
              readinessProbe: probe,
              livenessProbe: { ...probe, failureThreshold: 6 },
              resources: RESOURCES,
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [
                { name: 'tls', mountPath: '/etc/meshbridge/tls', readOnly: true },
                { name: 'home', mountPath: HOME },
              ],
            },
          ],
          volumes: [
            { name: 'tls', secret: { secretName: SECRETS.tls, defaultMode: 0o440 } },
            o.store === 'sqlite'
              ? { name: 'home', persistentVolumeClaim: { claimName: 'meshbridge-store' } }
              : { name: 'home', emptyDir: {} },
          ],
        },
      },
    },
  };
}
