/**
 * The federation controller's Deployment. One replica with the Recreate strategy: until the controller elects a
 * leader, two replicas (even briefly, during a rolling update) would both write the same objects.
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

/** The controller's Deployment. */
export function controllerDeployment(o: InstallOptions, w: ControllerWiring): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'meshbridge-controller', namespace: o.namespace, labels: labels('controller') },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
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
          automountServiceAccountToken: false,
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
