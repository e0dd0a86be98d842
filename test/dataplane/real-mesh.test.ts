import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane } from '../../src/mesh/control-plane.js';
import type { ControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import type { MemorySource } from '../../src/mesh/source.js';
import { proxyEnv } from '../../src/xds/index.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { TestApp } from '../support/proxies.js';
import { killAll, randomLoopback, spawnProxy, startApp, viaProxy } from '../support/proxies.js';

// The data plane against the real mesh control plane (src/mesh) of two clusters: productpage's sidecar in
// cluster-1 reaches details locally, and through cluster-2's East-West gateway (a WorkloadEntry at its address,
// in a region nobody matches) once cluster-1's details pod is gone.
const ns = { kind: 'Namespace', metadata: { name: 'bookinfo', labels: { 'istio-injection': 'enabled' } } };
const node = (cluster: string, region: string, zone: string) => ({
  kind: 'Node',
  metadata: {
    name: `${cluster}-node`,
    labels: { 'topology.kubernetes.io/region': region, 'topology.kubernetes.io/zone': zone },
  },
});
const service = (name: string, ns = 'bookinfo') => ({
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080 }] },
});
const pod = (name: string, app: string, ip: string, cluster: string, labels: Record<string, string> = {}) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'bookinfo', labels: { app, ...labels } },
  spec: {
    nodeName: `${cluster}-node`,
    serviceAccountName: `bookinfo-${app}`,
    containers: [{ name: app, ports: [{ containerPort: 9080 }] }],
  },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});
const endpoints = (name: string, pods: Array<{ ip: string; pod: string }>, cluster: string) => ({
  kind: 'Endpoints',
  metadata: { name, namespace: 'bookinfo' },
  subsets: pods.length
    ? [
        {
          addresses: pods.map((p) => ({
            ip: p.ip,
            nodeName: `${cluster}-node`,
            targetRef: { kind: 'Pod', name: p.pod, namespace: 'bookinfo' },
          })),
          ports: [{ name: 'http', port: 9080 }],
        },
      ]
    : [],
});

const ip = {
  product: randomLoopback(),
  details1: randomLoopback(),
  details2: randomLoopback(),
  gwPod: randomLoopback(),
  gwLb: randomLoopback(),
};
let pki: TestPki;
let cp1: ControlPlane;
let cp2: ControlPlane;
let src1: MemorySource;
let apps: TestApp[] = [];

const env = (o: {
  cluster: string;
  podIp: string;
  pod: string;
  app: string;
  region: string;
  zone: string;
  xds: string;
  certDir?: string;
  gateway?: string;
}) =>
  proxyEnv({
    role: o.gateway ? 'router' : 'sidecar',
    xdsAddress: o.xds,
    podIp: o.podIp,
    podName: o.pod,
    namespace: 'bookinfo',
    serviceAccount: `bookinfo-${o.app}`,
    cluster: o.cluster,
    network: `${o.cluster}-network`,
    locality: { region: o.region, zone: o.zone },
    workload: o.pod.replace(/-0$/, ''),
    labels: { app: o.app },
    ...(o.certDir ? { certDir: o.certDir } : {}),
    ...(o.gateway ? { gatewayAddresses: [o.gateway] } : {}),
  });

// The federation's mesh-wide policy: sidecars accept peers of both clusters' trust domains.
const trustDomainPolicy = {
  apiVersion: 'security.istio.io/v1' as const,
  kind: 'AuthorizationPolicy' as const,
  metadata: { name: 'meshbridge-trust-domains', namespace: 'istio-system' },
  spec: {
    action: 'DENY' as const,
    rules: [{ from: [{ source: { notPrincipals: ['cluster-1.local/*', 'cluster-2.local/*'] } }] }],
  },
};

before(async () => {
  pki = await createTestPki();
  apps = await Promise.all([
    startApp('details-cluster-1', ip.details1, 9080),
    startApp('details-cluster-2', ip.details2, 9080),
  ]);
  src1 = createMemorySource([
    ns,
    node('cluster-1', 'eu-west-2', 'eu-west-2a'),
    service('details'),
    service('productpage'),
    pod('details-v1-0', 'details', ip.details1, 'cluster-1'),
    pod('productpage-v1-0', 'productpage', ip.product, 'cluster-1'),
    endpoints('details', [{ ip: ip.details1, pod: 'details-v1-0' }], 'cluster-1'),
    endpoints('productpage', [{ ip: ip.product, pod: 'productpage-v1-0' }], 'cluster-1'),
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'meshbridge-failover-details', namespace: 'bookinfo' },
      spec: {
        host: 'details.bookinfo.svc.cluster.local',
        trafficPolicy: {
          outlierDetection: {
            consecutive5xxErrors: 5,
            consecutiveGatewayErrors: 5,
            interval: '10s',
            baseEjectionTime: '30s',
            maxEjectionPercent: 100,
          },
        },
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadEntry',
      metadata: { name: 'k-details-test', namespace: 'bookinfo' },
      spec: {
        address: ip.gwLb,
        ports: { http: 15443 },
        // As the federation writes it: the remote service's account, in the remote cluster's trust domain.
        serviceAccount: 'bookinfo-details',
        labels: {
          app: 'details',
          'security.istio.io/tlsMode': 'istio',
          'meshbridge.io/source-cluster': 'cluster-2',
          'meshbridge.io/trust-domain': 'cluster-2.local',
        },
        locality: 'eu-remote-1',
      },
    },
    trustDomainPolicy,
  ]);
  const src2 = createMemorySource([
    ns,
    node('cluster-2', 'eu-west-1', 'eu-west-1a'),
    service('details'),
    pod('details-v1-0', 'details', ip.details2, 'cluster-2'),
    pod('eastwest-gateway-0', 'eastwest-gateway', ip.gwPod, 'cluster-2', { istio: 'eastwestgateway' }),
    endpoints('details', [{ ip: ip.details2, pod: 'details-v1-0' }], 'cluster-2'),
    // What the federation writes: the gateway exports details (its listener is built from this object).
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'meshbridge-eastwest-eastwest-gateway', namespace: 'bookinfo' },
      spec: {
        selector: { app: 'eastwest-gateway' },
        servers: [
          {
            port: { number: 15443, name: 'tls', protocol: 'TLS' },
            hosts: ['details.bookinfo.svc.cluster.local'],
            tls: { mode: 'AUTO_PASSTHROUGH' },
          },
        ],
      },
    },
    trustDomainPolicy,
  ]);
  cp1 = await startControlPlane({
    source: src1,
    listen: { host: '127.0.0.1', port: 0 },
    clusterName: 'cluster-1',
    trustDomain: 'cluster-1.local',
    debounceMs: 20,
  });
  cp2 = await startControlPlane({
    source: src2,
    listen: { host: '127.0.0.1', port: 0 },
    clusterName: 'cluster-2',
    trustDomain: 'cluster-2.local',
    debounceMs: 20,
  });
  const c1 = { cluster: 'cluster-1', region: 'eu-west-2', zone: 'eu-west-2a', xds: cp1.address };
  const c2 = { cluster: 'cluster-2', region: 'eu-west-1', zone: 'eu-west-1a', xds: cp2.address };
  await Promise.all([
    spawnProxy(
      'sidecar-main.js',
      env({
        ...c1,
        podIp: ip.product,
        pod: 'productpage-v1-0',
        app: 'productpage',
        certDir: await pki.workloadDir('cluster-1.local', 'bookinfo', 'bookinfo-productpage'),
      }),
    ),
    spawnProxy(
      'sidecar-main.js',
      env({
        ...c1,
        podIp: ip.details1,
        pod: 'details-v1-0',
        app: 'details',
        certDir: await pki.workloadDir('cluster-1.local', 'bookinfo', 'bookinfo-details'),
      }),
    ),
    spawnProxy(
      'sidecar-main.js',
      env({
        ...c2,
        podIp: ip.details2,
        pod: 'details-v1-0',
        app: 'details',
        certDir: await pki.workloadDir('cluster-2.local', 'bookinfo', 'bookinfo-details'),
      }),
    ),
    spawnProxy(
      'gateway-main.js',
      env({ ...c2, podIp: ip.gwPod, pod: 'eastwest-gateway-0', app: 'eastwest-gateway', gateway: ip.gwLb }),
    ),
  ]);
});

after(async () => {
  killAll();
  await Promise.all([...apps.map((a) => a.close()), cp1?.close(), cp2?.close()]);
});

describe('data plane on the real mesh control plane', () => {
  it('serves details from the local pod while it is healthy (the remote entry is in an unmatched region)', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await viaProxy({ host: ip.product }, 'http://details:9080/details/0');
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, 'details-cluster-1');
      assert.equal(r.headers['x-meshbridge-served-by'], 'details-v1-0.bookinfo@cluster-1');
    }
  });

  it('fails over through cluster-2 East-West gateway when the local pod is gone, and comes back', async () => {
    src1.remove({ kind: 'Pod', metadata: { namespace: 'bookinfo', name: 'details-v1-0' } });
    src1.apply(endpoints('details', [], 'cluster-1'));
    let r = await viaProxy({ host: ip.product }, 'http://details:9080/details/0');
    for (let i = 0; i < 50 && r.body !== 'details-cluster-2'; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await viaProxy({ host: ip.product }, 'http://details:9080/details/0');
    }
    assert.equal(r.body, 'details-cluster-2');
    assert.equal(r.headers['x-meshbridge-served-by'], 'details-v1-0.bookinfo@cluster-2');
    src1.apply(
      pod('details-v1-0', 'details', ip.details1, 'cluster-1'),
      endpoints('details', [{ ip: ip.details1, pod: 'details-v1-0' }], 'cluster-1'),
    );
    for (let i = 0; i < 50 && r.body !== 'details-cluster-1'; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await viaProxy({ host: ip.product }, 'http://details:9080/details/0');
    }
    assert.equal(r.body, 'details-cluster-1');
  });
});
