// The cluster client keeps its connections: sequential reads and writes to a cluster's API share one TCP connection
// (and one TLS handshake), where client-node's own API client opens one per request, counted side by side from the
// process's own sockets. The kept connection still verifies the server: a client with another CA fails.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { subscribe } from 'node:diagnostics_channel';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { createRootCA } from '../../src/identity/index.js';
import { startApiServer, type ApiServer } from '../../src/local/server/api-server.js';
import { newApiToken } from '../../src/local/server/guard.js';
import { issueServingCertificate } from '../../src/local/server/tls.js';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import { createClusterClient, directKubeConfig, type ClusterClient } from '../../src/kube/client.js';
import { randomLoopback } from '../images/support.js';
import { kubeconfigFor } from '../support/kubeconfig.js';

const host = randomLoopback();
const token = newApiToken();
const dir = mkdtempSync(join(tmpdir(), 'mb-keep-alive-'));
const store = new ClusterStore({ file: join(dir, 'store.db') });
const servers: ApiServer[] = [];
let caPem = '';

/**
 * Counts the connections this process opens to `target` from now on: plain ones through Node's `net.client.socket`
 * channel, TLS ones (which it does not report) by watching the HTTPS agents' `createConnection`.
 */
function connectionsTo(target: string): () => number {
  const { hostname, port } = new URL(target);
  let n = 0;
  const count = (socket: Socket, event: string): void =>
    void socket.once(event, () => {
      if (socket.remoteAddress === hostname && socket.remotePort === Number(port)) n++;
    });
  subscribe('net.client.socket', (message) => count((message as { socket: Socket }).socket, 'connect'));
  const proto = HttpsAgent.prototype as unknown as { createConnection: (...args: unknown[]) => Socket };
  const create = proto.createConnection;
  proto.createConnection = function (this: unknown, ...args: unknown[]): Socket {
    const socket = create.apply(this, args);
    count(socket, 'secureConnect');
    return socket;
  };
  return () => n;
}

/** A kubeconfig for the HTTPS API trusting `ca`, or, without one, for the plain-HTTP API skipping verification. */
function kubeConfig(server: string, ca?: string): KubeConfig {
  if (ca !== undefined) return directKubeConfig({ name: 'c', server, caPem: ca, token });
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigFor({ c: { url: server, token } }));
  return kc;
}

const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
async function readsAndWrites(client: ClusterClient, prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await client.create(namespace(`${prefix}-${i}`));
    assert.ok(await client.get({ apiVersion: 'v1', kind: 'Namespace', name: `${prefix}-${i}` }));
  }
}

let https: ApiServer;
let http: ApiServer;
before(async () => {
  const ca = await createRootCA({ commonName: 'keep-alive test CA' });
  caPem = ca.certPem;
  const serving = await issueServingCertificate(ca, host);
  https = await startApiServer({ store, host, port: 0, token, tls: serving });
  http = await startApiServer({ store, host, port: 0, token });
  servers.push(https, http);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('20 writes and 20 reads over HTTPS share one connection; client-node alone opens one per request', async () => {
  const opened = connectionsTo(https.url);
  const client = createClusterClient({ name: 'c', kubeConfig: kubeConfig(https.url, caPem) });
  await readsAndWrites(client, 'tls', 20);
  const ours = opened();
  assert.ok(ours >= 1 && ours <= 2, `${ours} connections for 40 requests`);

  const plain = KubernetesObjectApi.makeApiClient(kubeConfig(https.url, caPem));
  for (let i = 0; i < 10; i++)
    await plain.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `tls-${i}` } });
  // 11: the ten reads and the resource discovery client-node makes before the first.
  assert.equal(opened() - ours, 11, 'counted side by side: client-node alone opens one connection per request');
});

test('over plain HTTP (a kubeconfig that skips verification, as the benchmark uses) too', async () => {
  const opened = connectionsTo(http.url);
  const client = createClusterClient({ name: 'c', kubeConfig: kubeConfig(http.url) });
  await readsAndWrites(client, 'plain', 20);
  assert.ok(opened() >= 1 && opened() <= 2, `${opened()} connections for 40 requests`);
});

test('the kept connection verifies the server: a client trusting another CA is refused', async () => {
  const other = await createRootCA({ commonName: 'another CA' });
  const client = createClusterClient({ name: 'c', kubeConfig: kubeConfig(https.url, other.certPem) });
  await assert.rejects(
    client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'tls-0' }),
    /certificate|self.signed|unable to verify/i,
  );
});
