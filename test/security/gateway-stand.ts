/**
 * A real East-West gateway of "cluster-2" for the gateway security tests: the federation's own plan decides what
 * the gateway exports (WorkspaceSetting exposing `details` only), the Gateway it writes feeds the real mesh control
 * plane, and the real gateway process serves :15443 on its load-balancer address. Behind it, real sidecars and the
 * built-in apps (which count every byte they receive): details and ratings in `bookinfo`, and `secret` in a
 * namespace no workspace spans. Everything on loopback.
 */
import { plan } from '../../src/federation/plan.js';
import { buildInventory, type RawClusterObjects } from '../../src/federation/inventory.js';
import type { FederationConfig } from '../../src/federation/types.js';
import { proxyEnv } from '../../src/xds/index.js';
import { resolveImage } from '../../src/local/images/index.js';
import { startControlPlane, type ControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { bytesByApp, readCountersIn, settleCounters } from '../support/app-counters.js';
import { createTestPki, type TestPki } from '../support/pki.js';
import { killAll, randomLoopback, spawnProxy } from '../support/proxies.js';
import { ensureImagesBuilt, startPod, type Pod } from '../images/support.js';

/** SNI of a service port, as a client sidecar sends it. */
export const sni = (host: string, port = 9080): string => `outbound_.${port}_._.${host}`;

/** The running stand. */
export interface GatewayStand {
  pki: TestPki;
  /** The gateway's load-balancer address (port 15443) and pod IP. */
  lb: string;
  gatewayIp: string;
  /** The Gateway object the federation planned for cluster-2. */
  gateway: Record<string, unknown>;
  /** Bytes received so far by every app, by counters file (after letting them flush). */
  appBytes(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const config: FederationConfig = {
  workspaces: [
    {
      apiVersion: 'api.tsb.tetrate.io/v2',
      kind: 'Workspace',
      metadata: { organization: 'tetrate', tenant: 'tetrate', name: 'bookinfo-ws' },
      spec: { namespaceSelector: { names: ['*/bookinfo'] } },
    },
  ],
  workspaceSettings: [
    {
      apiVersion: 'api.tsb.tetrate.io/v2',
      kind: 'WorkspaceSetting',
      metadata: { organization: 'tetrate', tenant: 'tetrate', workspace: 'bookinfo-ws', name: 'bookinfo-ws-setting' },
      spec: {
        defaultEastWestGatewaySettings: [
          {
            workloadSelector: { namespace: 'bookinfo', labels: { app: 'eastwest-gateway' } },
            exposedServices: [{ serviceLabels: { app: 'details' } }],
          },
        ],
      },
    },
  ],
  organizationSettings: [],
  // Registered clusters with their trust domains: the plan's mesh-wide policy lets the sidecars behind the gateway
  // accept cluster-1's workloads (the positive control's client), as on real local clusters.
  clusters: ['cluster-1', 'cluster-2'].map((name) => ({
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'Cluster',
    metadata: { organization: 'tetrate', name },
    spec: { network: `${name}-network`, trustDomain: `${name}.local` },
  })),
} as unknown as FederationConfig;

const READY_TIMEOUT_MS = 60_000;

const APPS = [
  { app: 'details', ns: 'bookinfo', image: 'details-v1' },
  { app: 'ratings', ns: 'bookinfo', image: 'ratings-v1' },
  { app: 'secret', ns: 'orphan', image: 'details-v1' },
] as const;

/** Starts the stand; `close()` stops every process it started. */
export async function startGatewayStand(): Promise<GatewayStand> {
  ensureImagesBuilt();
  const pki = await createTestPki();
  const lb = randomLoopback();
  const gatewayIp = randomLoopback();
  const ips = Object.fromEntries(APPS.map((a) => [a.app, randomLoopback()]));
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'cluster-2-node',
      labels: { 'topology.kubernetes.io/region': 'eu-west-1', 'topology.kubernetes.io/zone': 'eu-west-1a' },
    },
  };
  const ns = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'istio-injection': 'enabled' } },
  });
  const ready = [{ type: 'Ready', status: 'True' }];
  const pod = (name: string, namespace: string, app: string, ip: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app }, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: 'cluster-2-node', containers: [{ name: app, ports: [{ containerPort: 9080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: ready },
  });
  const service = (name: string, namespace: string, selector: string, port = 9080, extra = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { app: name } },
    spec: { selector: { app: selector }, ports: [{ name: port === 9080 ? 'http' : 'tls', port }], ...extra },
  });
  const endpoints = (name: string, namespace: string, pods: { ip: string; pod: string }[], port = 9080) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace },
    subsets: [
      {
        addresses: pods.map((p) => ({ ip: p.ip, targetRef: { kind: 'Pod', name: p.pod, namespace } })),
        ports: [{ name: port === 9080 ? 'http' : 'tls', port }],
      },
    ],
  });
  const gwPod = pod('eastwest-gateway-0', 'bookinfo', 'eastwest-gateway', gatewayIp);
  const gwService = service('eastwest-gateway', 'bookinfo', 'eastwest-gateway', 15443, { type: 'LoadBalancer' });
  const ingressGateway = {
    apiVersion: 'install.tetrate.io/v1alpha1',
    kind: 'IngressGateway',
    metadata: { name: 'eastwest-gateway', namespace: 'bookinfo' },
    spec: { eastWestOnly: true },
  };
  const raw: RawClusterObjects = {
    namespaces: [ns('bookinfo'), ns('orphan')],
    nodes: [node],
    pods: [...APPS.map((a) => pod(`${a.app}-v1-0`, a.ns, a.app, ips[a.app]!)), gwPod],
    services: [
      ...APPS.map((a) => service(a.app, a.ns, a.app)),
      { ...gwService, status: { loadBalancer: { ingress: [{ ip: lb }] } } },
      // A Service selecting the gateway's own pod, exposed by label like details: never exported.
      {
        ...service('gateway-alias', 'bookinfo', 'eastwest-gateway', 15443),
        metadata: { name: 'gateway-alias', namespace: 'bookinfo', labels: { app: 'details' } },
      },
    ],
    ingressGateways: [ingressGateway],
  } as unknown as RawClusterObjects;
  const out = plan({ config, inventories: [buildInventory({ cluster: 'cluster-2', objects: raw })] });
  const gateway = out.clusters['cluster-2']?.find((o) => o.kind === 'Gateway');
  if (!gateway) throw new Error('the federation planned no Gateway for cluster-2');
  const trustPolicy = out.clusters['cluster-2']?.find((o) => o.kind === 'AuthorizationPolicy');
  if (!trustPolicy) throw new Error('the federation planned no trust-domain policy for cluster-2');

  const source = createMemorySource([
    ...raw.namespaces,
    node,
    ...raw.pods,
    ...raw.services,
    ...APPS.map((a) => endpoints(a.app, a.ns, [{ ip: ips[a.app]!, pod: `${a.app}-v1-0` }])),
    endpoints('eastwest-gateway', 'bookinfo', [{ ip: gatewayIp, pod: 'eastwest-gateway-0' }], 15443),
    endpoints('gateway-alias', 'bookinfo', [{ ip: gatewayIp, pod: 'eastwest-gateway-0' }], 15443),
    gateway,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
    trustPolicy,
  ]);
  let cp: ControlPlane | undefined;
  const pods: Pod[] = [];
  const close = async (): Promise<void> => {
    killAll();
    await Promise.all(pods.map((p) => p.stop()));
    await cp?.close();
  };
  try {
    cp = await startControlPlane({
      source,
      listen: { host: '127.0.0.1', port: 0 },
      clusterName: 'cluster-2',
      trustDomain: 'cluster-2.local',
    });
    const base = {
      xdsAddress: cp.address,
      cluster: 'cluster-2',
      network: 'cluster-2-network',
      locality: { region: 'eu-west-1', zone: 'eu-west-1a' },
    };
    for (const a of APPS) {
      const image = resolveImage(`docker.io/istio/examples-bookinfo-${a.image}:1.20.1`);
      if (!image.ok) throw new Error(image.reason);
      pods.push(await startPod(image.entry, { POD_IP: ips[a.app]!, POD_NAME: `${a.app}-v1-0`, POD_NAMESPACE: a.ns }));
    }
    // One at a time, with a generous readiness deadline: the machine these run on is shared and often loaded.
    for (const a of APPS) {
      await spawnProxy(
        'sidecar-main.js',
        proxyEnv({
          ...base,
          role: 'sidecar',
          podIp: ips[a.app]!,
          podName: `${a.app}-v1-0`,
          namespace: a.ns,
          serviceAccount: a.app,
          workload: `${a.app}-v1`,
          labels: { app: a.app },
          certDir: await pki.workloadDir('cluster-2.local', a.ns, a.app),
        }),
        READY_TIMEOUT_MS,
      );
    }
    await spawnProxy(
      'gateway-main.js',
      proxyEnv({
        ...base,
        role: 'router',
        podIp: gatewayIp,
        podName: 'eastwest-gateway-0',
        namespace: 'bookinfo',
        serviceAccount: 'eastwest-gateway',
        workload: 'eastwest-gateway',
        labels: { app: 'eastwest-gateway' },
        gatewayAddresses: [lb],
      }),
      READY_TIMEOUT_MS,
    );
  } catch (err) {
    await close();
    throw err;
  }
  return {
    pki,
    lb,
    gatewayIp,
    gateway: gateway as unknown as Record<string, unknown>,
    async appBytes() {
      await settleCounters();
      return bytesByApp(pods.flatMap((p) => readCountersIn(p.dir)));
    },
    close,
  };
}
