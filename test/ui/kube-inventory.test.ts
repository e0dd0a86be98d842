/**
 * kubeInventory and kubeMetricsTargets through the project's Kubernetes layer (@kubernetes/client-node) against a
 * minimal Kubernetes API on a real socket (discovery and the list routes they read, with Kubernetes' JSON shapes;
 * WorkloadEntries served at v1beta1 only, as an older Istio does), plus an unreachable context.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeInventory, kubeMetricsTargets } from '../../src/mgmt/ui/kube-inventory.js';

const seen: string[] = [];
const list = (kind: string, items: unknown[]) => ({
  kind: `${kind}List`,
  apiVersion: 'v1',
  metadata: { resourceVersion: '1' },
  items,
});
const resource = (name: string, kind: string, namespaced: boolean) => ({
  name,
  kind,
  namespaced,
  singularName: '',
  verbs: ['get', 'list', 'watch'],
});
const routes: Record<string, unknown> = {
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('nodes', 'Node', false),
      resource('services', 'Service', true),
      resource('endpoints', 'Endpoints', true),
      resource('namespaces', 'Namespace', false),
      resource('pods', 'Pod', true),
    ],
  },
  '/apis/networking.istio.io/v1beta1': {
    kind: 'APIResourceList',
    groupVersion: 'networking.istio.io/v1beta1',
    resources: [resource('workloadentries', 'WorkloadEntry', true)],
  },
  '/api/v1/nodes': list('Node', [
    {
      metadata: {
        name: 'n1',
        labels: { 'topology.kubernetes.io/region': 'eu-west-1', 'topology.kubernetes.io/zone': 'eu-west-1a' },
      },
    },
  ]),
  '/api/v1/services': list('Service', [
    { metadata: { namespace: 'default', name: 'kubernetes' }, spec: { type: 'ClusterIP', ports: [{ port: 443 }] } },
    { metadata: { namespace: 'bookinfo', name: 'details' }, spec: { type: 'ClusterIP', ports: [{ port: 9080 }] } },
    { metadata: { namespace: 'bookinfo', name: 'ratings' }, spec: { type: 'ClusterIP', ports: [{ port: 9080 }] } },
    {
      metadata: { namespace: 'bookinfo', name: 'eastwest-gateway' },
      spec: { type: 'LoadBalancer', ports: [{ port: 15443 }] },
      status: { loadBalancer: { ingress: [{ ip: '127.2.200.2' }, { ip: '127.2.200.1' }] } },
    },
  ]),
  '/api/v1/endpoints': list('Endpoints', [
    {
      metadata: { namespace: 'bookinfo', name: 'details' },
      subsets: [{ addresses: [{ ip: '127.254.0.5' }, { ip: '127.2.0.6' }] }],
    },
    { metadata: { namespace: 'bookinfo', name: 'ratings' }, subsets: [] },
  ]),
  '/apis/networking.istio.io/v1beta1/workloadentries': {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'WorkloadEntryList',
    metadata: {},
    items: [{ metadata: { namespace: 'bookinfo', name: 'k-details-abc' }, spec: { address: '127.1.200.1' } }],
  },
  '/api/v1/namespaces': list('Namespace', [
    { metadata: { name: 'bookinfo', labels: { 'istio-injection': 'enabled' } } },
  ]),
  '/api/v1/pods': list('Pod', [
    {
      metadata: { namespace: 'bookinfo', name: 'details-1', annotations: {} },
      status: { phase: 'Running', podIP: '127.254.0.5' },
    },
    {
      metadata: {
        namespace: 'bookinfo',
        name: 'ratings-1',
        annotations: { 'prometheus.io/port': '15090', 'prometheus.io/path': '/metrics' },
      },
      status: { phase: 'Running', podIP: '127.254.0.7' },
    },
    { metadata: { namespace: 'bookinfo', name: 'pending-1' }, status: { phase: 'Pending' } },
    { metadata: { namespace: 'kube-system', name: 'dns' }, status: { phase: 'Running', podIP: '127.254.0.9' } },
  ]),
};

let server: http.Server;
let dir: string;
let kubeconfig: string;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(req.url ?? '');
    let body = routes[url.pathname];
    // Like a real API server, the namespace list honours the label selector.
    if (url.pathname === '/api/v1/namespaces' && url.searchParams.get('labelSelector') !== 'istio-injection=enabled')
      body = list('Namespace', []);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }),
      );
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  dir = mkdtempSync(join(tmpdir(), 'mb-kube-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: cluster-2\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
      '- name: cluster-9\n  cluster:\n    server: http://127.0.0.1:1',
      'users:',
      '- name: u\n  user:\n    token: t',
      'contexts:',
      '- name: cluster-2\n  context: {cluster: cluster-2, user: u}',
      '- name: cluster-9\n  context: {cluster: cluster-9, user: u}',
      'current-context: cluster-2',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('reads locality, gateway addresses, services with ready endpoints and WorkloadEntries per context', async () => {
  const [c2, c9] = await kubeInventory({ kubeconfigPath: kubeconfig })();
  assert.deepEqual(c2, {
    name: 'cluster-2',
    region: 'eu-west-1',
    zone: 'eu-west-1a',
    gateways: [{ namespace: 'bookinfo', name: 'eastwest-gateway', addresses: ['127.2.200.1', '127.2.200.2'] }],
    services: [
      { namespace: 'bookinfo', name: 'details', readyEndpoints: 2 },
      { namespace: 'bookinfo', name: 'ratings', readyEndpoints: 0 },
    ],
    workloadEntries: [{ namespace: 'bookinfo', name: 'k-details-abc', address: '127.1.200.1' }],
    reachable: true,
  });
  const v1 = seen.findIndex(
    (u) => u.startsWith('/apis/networking.istio.io/v1/') || u === '/apis/networking.istio.io/v1',
  );
  const v1beta1 = seen.findIndex((u) => u.startsWith('/apis/networking.istio.io/v1beta1/workloadentries'));
  assert.ok(v1 !== -1 && v1beta1 > v1, `tries the newest version first: ${JSON.stringify(seen)}`);
  assert.equal(c9!.name, 'cluster-9');
  assert.equal(c9!.reachable, false);
  assert.ok((c9!.error ?? '').length > 0);
});

test('metrics targets are the sidecars of running pods of injected namespaces, whatever the app annotations say', async () => {
  const targets = await kubeMetricsTargets({ kubeconfigPath: kubeconfig, contexts: ['cluster-2', 'cluster-9'] })();
  assert.deepEqual(targets, ['http://127.254.0.5:15020/stats/prometheus', 'http://127.254.0.7:15020/stats/prometheus']);
});

test('createUiSources scrapes the sidecars the kubeconfig lists, or asks Prometheus when given its URL', async () => {
  const { createUiSources } = await import('../../src/mgmt/ui/sources.js');
  const local = createUiSources({
    kubeconfigPath: kubeconfig,
    contexts: ['cluster-2'],
    intervalMs: 200,
    windowMs: 1000,
  });
  local.start();
  try {
    let topo = await local.topology.topology();
    for (let i = 0; i < 50 && topo.targets.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      topo = await local.topology.topology();
    }
    assert.equal(topo.source, 'scrape');
    // The pods' addresses (127.254/16, used by nothing else) exist only in the stand-in's lists, so the scrapes
    // fail and say so.
    assert.deepEqual(
      topo.targets.map((t) => [t.url, t.ok]),
      [
        ['http://127.254.0.5:15020/stats/prometheus', false],
        ['http://127.254.0.7:15020/stats/prometheus', false],
      ],
    );
    assert.equal((await local.inventory!())[0]!.name, 'cluster-2');
  } finally {
    await local.stop();
  }
  const prod = createUiSources({ prometheusUrl: 'http://127.0.0.1:1' });
  const topo = await prod.topology.topology();
  assert.equal(topo.source, 'prometheus');
  assert.equal(topo.targets[0]!.ok, false);
});
