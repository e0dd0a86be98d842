/**
 * The control plane fed from real cluster stores: the embedded cluster's store in-process, and a
 * Kubernetes-compatible API server through @kubernetes/client-node informers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import { startApiServer } from '../../src/local/server/api-server.js';
import { newApiToken } from '../../src/local/server/guard.js';
import { createClusterClient } from '../../src/kube/client.js';
import { startControlPlane } from '../../src/mesh/control-plane.js';
import { createKubeSource } from '../../src/mesh/kube-source.js';
import { createStoreSource } from '../../src/mesh/store-source.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { RawAdsClient } from './ads-client.js';

const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.1`;
const SERVICES = { group: '', plural: 'services' };
const ENDPOINTS = { group: '', plural: 'endpoints' };
const WORKLOAD_ENTRIES = { group: 'networking.istio.io', plural: 'workloadentries' };

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'details', namespace: 'default' },
  spec: { selector: { app: 'details' }, ports: [{ name: 'http', port: 9080 }] },
};
const endpoints = (ips: string[]) => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'details', namespace: 'default' },
  subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: 'http', port: 9080 }] }],
});
const workloadEntry = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'WorkloadEntry',
  metadata: { name: 'k-details-remote', namespace: 'default' },
  spec: { address: '127.2.200.1', ports: { http: 15443 }, labels: { app: 'details' }, locality: 'r2' },
};
const node = { id: `sidecar~${host}~client.default~default.svc.cluster.local`, locality: { region: 'r1' } };

function tempStore(t: { after: (fn: () => void) => void }): ClusterStore {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-source-'));
  const store = new ClusterStore({ file: join(dir, 'store.db') });
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

const DETAILS = 'outbound|9080||details.default.svc.cluster.local';

/** The endpoint addresses of the next EDS response (ACKed, keeping the subscription). */
async function endpointAddresses(client: RawAdsClient): Promise<string[]> {
  const res = await client.next();
  assert.equal(res.type_url, TYPE_URLS.endpoint);
  client.send({
    type_url: res.type_url,
    version_info: res.version_info,
    response_nonce: res.nonce,
    resource_names: [DETAILS],
  });
  return [...JSON.stringify(res.resources).matchAll(/"address":"([\d.]+)"/g)].map((m) => m[1] as string).sort();
}

test('the embedded store source feeds endpoints and WorkloadEntries, and store writes are pushed', async (t) => {
  const store = tempStore(t);
  store.create(SERVICES, service);
  store.create(ENDPOINTS, endpoints(['127.1.0.11']));
  const cp = await startControlPlane({
    source: createStoreSource(store),
    listen: { host, port: 0 },
    clusterName: 'c1',
    debounceMs: 10,
  });
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node, type_url: TYPE_URLS.endpoint, resource_names: [DETAILS] });
  assert.deepEqual(await endpointAddresses(client), ['127.1.0.11']);
  store.create(WORKLOAD_ENTRIES, workloadEntry);
  assert.deepEqual(await endpointAddresses(client), ['127.1.0.11', '127.2.200.1']);
});

test('the Kubernetes source lists and watches through client-node informers against a real API server', async (t) => {
  const store = tempStore(t);
  // A started embedded cluster creates `default` itself; here only its API server runs.
  store.create(
    { group: '', plural: 'namespaces' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
  );
  const token = newApiToken();
  const api = await startApiServer({ store, host, port: 0, token });
  t.after(() => api.close());
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c1', server: api.url, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c1', cluster: 'c1', user: 'u' }],
    currentContext: 'c1',
  });
  const kube = createClusterClient({ name: 'c1', kubeConfig: kc });
  await kube.create(service);
  await kube.create(endpoints(['127.1.0.11']));
  const source = createKubeSource({ client: kube });
  t.after(() => source.close());
  const cp = await startControlPlane({ source, listen: { host, port: 0 }, clusterName: 'c1', debounceMs: 10 });
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node, type_url: TYPE_URLS.endpoint, resource_names: [DETAILS] });
  assert.deepEqual(await endpointAddresses(client), ['127.1.0.11']);
  await kube.create(workloadEntry);
  assert.deepEqual(await endpointAddresses(client), ['127.1.0.11', '127.2.200.1']);
  await kube.delete({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    name: 'k-details-remote',
    namespace: 'default',
  });
  assert.deepEqual(await endpointAddresses(client), ['127.1.0.11']);
});
