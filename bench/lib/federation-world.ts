/**
 * The federation benchmark's world: S services across C clusters, service i running in clusters i mod C and
 * i+1 mod C behind each cluster's East-West gateway, and the management plane's configuration that federates them.
 */
import type { FederationConfig } from '../../src/federation/index.js';
import type { ResourceRef, StoredObject } from '../../src/local/store/types.js';

export const NS = 'bench';
export const GATEWAY = 'eastwest-gateway';

const ref = (group: string, plural: string): ResourceRef => ({ group, plural });
/** Where each kind of `clusterObjects` is stored. */
export const REFS: Record<string, ResourceRef> = {
  Namespace: ref('', 'namespaces'),
  Node: ref('', 'nodes'),
  Service: ref('', 'services'),
  Pod: ref('', 'pods'),
  IngressGateway: ref('install.tetrate.io', 'ingressgateways'),
};

/** The objects of cluster k: namespace, node, its services with a ready pod each, its gateway. */
export function clusterObjects(k: number, clusters: number, services: number, gatewayIp: string): StoredObject[] {
  const out: object[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/region': `region-${k}` } },
    },
    {
      apiVersion: 'install.tetrate.io/v1alpha1',
      kind: 'IngressGateway',
      metadata: { name: GATEWAY, namespace: NS },
      spec: { eastWestOnly: true },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: GATEWAY, namespace: NS, labels: { app: GATEWAY } },
      spec: { type: 'LoadBalancer', selector: { app: GATEWAY }, ports: [{ name: 'tls', port: 15443 }] },
      status: { loadBalancer: { ingress: [{ ip: gatewayIp }] } },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${GATEWAY}-0`, namespace: NS, labels: { app: GATEWAY } },
      spec: { nodeName: 'node-1' },
      status: { phase: 'Running', podIP: `127.${k + 1}.0.2`, conditions: [{ type: 'Ready', status: 'True' }] },
    },
  ];
  for (let i = 0; i < services; i++) {
    if (i % clusters !== k && (i + 1) % clusters !== k) continue;
    const app = `svc-${i}`;
    out.push(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: NS, labels: { app } },
        spec: { selector: { app }, ports: [{ name: 'http', port: 9080 }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${app}-0`, namespace: NS, labels: { app } },
        spec: { nodeName: 'node-1' },
        status: {
          phase: 'Running',
          podIP: `127.${k + 1}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      },
    );
  }
  return out as StoredObject[];
}

/** The management plane's configuration: one workspace over every cluster's `bench` namespace, one setting. */
export function config(clusters: readonly { name: string }[], kubeconfig: string): FederationConfig {
  return {
    workspaces: [
      {
        apiVersion: 'api.tsb.tetrate.io/v2',
        kind: 'Workspace',
        metadata: { organization: 'o', tenant: 't', name: 'ws' },
        spec: { namespaceSelector: { names: [`*/${NS}`] } },
      },
    ],
    workspaceSettings: [
      {
        apiVersion: 'api.tsb.tetrate.io/v2',
        kind: 'WorkspaceSetting',
        metadata: { organization: 'o', tenant: 't', workspace: 'ws', name: 'setting' },
        spec: { defaultEastWestGatewaySettings: [{ workloadSelector: { namespace: NS, labels: { app: GATEWAY } } }] },
      },
    ],
    organizationSettings: [],
    clusters: clusters.map((c, k) => ({
      apiVersion: 'api.tsb.tetrate.io/v2',
      kind: 'Cluster',
      metadata: { organization: 'o', name: c.name },
      spec: {
        network: `net-${k}`,
        locality: { region: `region-${k}` },
        kubeconfig: { path: kubeconfig, context: c.name },
      },
    })),
  } as unknown as FederationConfig;
}
