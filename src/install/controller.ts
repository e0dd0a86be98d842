/**
 * The federation controller: a Deployment of replicas that elect a leader on a Lease (`--leader-elect`), only the
 * leader writes, the others stand by (ready, so a rollout proceeds); the Role that lets them read and renew that
 * one Lease and nothing else in the management cluster; a disruption budget when there are several.
 */
import type { Manifest } from './manifest.js';
import type { InstallOptions } from './options.js';
import { CONTAINER_SECURITY, labels, POD_SECURITY, RESOURCES, selector } from './workload.js';

/** The controller's probe and metrics port (`/healthz`, `/readyz`, `/metrics`). */
export const HEALTH_PORT = 9090;

/** Where the controller finds the management plane and its Secrets. */
export interface ControllerWiring {
  readonly mgmtUrl: string;
  readonly secrets: { readonly tls: string; readonly kubeconfigs: string; readonly controllerToken: string };
}

/** The Lease the replicas elect their leader on. */
export const LEASE_NAME = 'meshbridge-controller';

/** The controller's manifests: its Role and binding for the Lease, its Deployment, its disruption budget. */
export function controllerManifests(o: InstallOptions, w: ControllerWiring): Manifest[] {
  const meta = (name: string) => ({ name, namespace: o.namespace, labels: labels('controller') });
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('meshbridge-controller-leader'),
      rules: [
        // RBAC cannot name an object that does not exist yet: create is for this namespace's Leases.
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [LEASE_NAME],
          verbs: ['get', 'update'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('meshbridge-controller-leader'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'meshbridge-controller-leader' },
      subjects: [{ kind: 'ServiceAccount', name: 'meshbridge-controller', namespace: o.namespace }],
    },
    controllerDeployment(o, w),
    ...(o.controllerReplicas > 1
      ? [
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: meta('meshbridge-controller'),
            spec: { minAvailable: 1, selector: { matchLabels: selector('controller') } },
          },
        ]
      : []),
  ];
}

function controllerDeployment(o: InstallOptions, w: ControllerWiring): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'meshbridge-controller', namespace: o.namespace, labels: labels('controller') },
    spec: {
      replicas: o.controllerReplicas,
      selector: { matchLabels: selector('controller') },
      template: {
        metadata: {
          labels: labels('controller'),
          // The common scrape convention; a Prometheus Operator user adds a PodMonitor for port `health` instead.
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(HEALTH_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: 'meshbridge-controller',
          // The one pod with a token for the management cluster's API: it needs it for the Lease (Role above).
          automountServiceAccountToken: true,
          securityContext: POD_SECURITY,
          containers: [
            {
              name: 'controller',
              image: o.image,
              args: [
                'controller',
                '--mgmt',
                w.mgmtUrl,
                '--token-file',
                '/etc/meshbridge/token/token',
                '--ca-file',
                '/etc/meshbridge/tls/ca.crt',
                '--kubeconfig',
                '/etc/meshbridge/kubeconfigs/kubeconfig',
                '--leader-elect',
                '--leader-elect-name',
                LEASE_NAME,
                '--health-listen',
                `0.0.0.0:${HEALTH_PORT}`,
              ],
              ports: [{ name: 'health', containerPort: HEALTH_PORT, protocol: 'TCP' }],
              livenessProbe: { httpGet: { path: '/healthz', port: 'health' }, periodSeconds: 10, failureThreshold: 6 },
              // Ready once a reconcile pass has completed; until then the rollout waits.
              readinessProbe: { httpGet: { path: '/readyz', port: 'health' }, periodSeconds: 5 },
              env: [{ name: 'MESHBRIDGE_HOME', value: '/var/lib/meshbridge' }],
              resources: RESOURCES,
              securityContext: CONTAINER_SECURITY,
              volumeMounts: [
                { name: 'tls', mountPath: '/etc/meshbridge/tls', readOnly: true },
                { name: 'token', mountPath: '/etc/meshbridge/token', readOnly: true },
                { name: 'kubeconfigs', mountPath: '/etc/meshbridge/kubeconfigs', readOnly: true },
                { name: 'home', mountPath: '/var/lib/meshbridge' },
              ],
            },
          ],
          volumes: [
            // Only the CA: the controller verifies the management plane, it holds no serving key.
            { name: 'tls', secret: { secretName: w.secrets.tls, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { name: 'token', secret: { secretName: w.secrets.controllerToken, defaultMode: 0o440 } },
            { name: 'kubeconfigs', secret: { secretName: w.secrets.kubeconfigs, defaultMode: 0o440 } },
            { name: 'home', emptyDir: {} },
          ],
        },
      },
    },
  };
}
