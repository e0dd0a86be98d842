/**
 * The data plane's xDS client over delta xDS against our control plane: subscribes, follows changes and removals,
 * and after the control plane restarts on the same port resynchronises from the versions it holds; against a
 * server without delta it falls back to state of the world.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XdsClient } from '../../src/dataplane/xds/client.js';
import { startControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { startTestAdsServer } from '../support/ads-server.js';
import { serveSidecarConfig } from '../support/xds-resources.js';

const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.1`;
const ns = { kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } };
const svc = (name: string) => ({
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
});
const pod = (name: string, app: string, podIp: string) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app } },
  spec: { containers: [{ name: app, ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: podIp, conditions: [{ type: 'Ready', status: 'True' }] },
});
const CART = 'outbound|8080||cart.shop.svc.cluster.local';
const PAY = 'outbound|8080||pay.shop.svc.cluster.local';
const node = { id: 'sidecar~127.1.0.3~web-0.shop~shop.svc.cluster.local', locality: { region: 'r1' } };

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const addresses = (client: XdsClient, cluster: string): string[] =>
  (client.state.endpoint.models.get(cluster)?.localities ?? []).flatMap((l) =>
    l.endpoints.map((e) => `${e.host}:${e.port}`),
  );

test('the sidecar xDS client speaks delta: follows an endpoint change and a removal, and resyncs after a control-plane restart from the versions it holds', async (t) => {
  const objects = [
    ns,
    svc('cart'),
    svc('web'),
    svc('pay'),
    pod('cart-0', 'cart', '127.1.0.2'),
    pod('web-0', 'web', '127.1.0.3'),
  ];
  const source = createMemorySource(objects);
  let cp = await startControlPlane({ source, listen: { host, port: 0 }, clusterName: 'c1', debounceMs: 10 });
  const client = new XdsClient({ address: cp.address, node, backoff: { initialMs: 50, maxMs: 200 } });
  const nacks: string[] = [];
  client.on('nack', (_k, e) => nacks.push(e));
  t.after(async () => {
    client.stop();
    await cp.close();
  });
  client.start();
  await until(() => client.isReady(), 'initial sync');
  assert.equal(client.protocol, 'delta');
  assert.equal(cp.stats().proxies[0]?.protocol, 'delta');
  assert.deepEqual(addresses(client, CART), ['127.1.0.2:15006']);
  for (const v of client.state.cluster.versions.values()) assert.match(v, /^[A-Za-z0-9_-]{20,}$/);

  source.apply(pod('cart-1', 'cart', '127.1.0.4'));
  await until(() => addresses(client, CART).length === 2, 'the new cart endpoint');
  source.remove({ kind: 'Service', metadata: { name: 'pay', namespace: 'shop' } });
  await until(() => !client.state.cluster.models.has(PAY), 'pay cluster removed');
  await until(() => !client.state.endpoint.models.has(PAY), 'pay assignment dropped');
  assert.ok(client.isReady());

  // Restart on the same port; while it is down, cart is deleted: only the versions the client sends tell the new
  // server that it still holds cart, so the removal proves the resync is a delta from what it holds.
  const port = Number(cp.address.split(':').pop());
  await cp.close();
  await until(() => !client.connected, 'disconnect');
  source.remove({ kind: 'Service', metadata: { name: 'cart', namespace: 'shop' } });
  cp = await startControlPlane({ source, listen: { host, port }, clusterName: 'c1', debounceMs: 10 });
  await until(() => client.connected && !client.state.cluster.models.has(CART), 'cart removed after resync');
  assert.ok(client.state.cluster.models.has('outbound|8080||web.shop.svc.cluster.local'));
  await until(() => cp.stats().acks >= 2, 'the resync ACKed');
  assert.deepEqual(nacks, []);
});

test('against a server without delta xDS the client falls back to state of the world', async (t) => {
  const ads = await startTestAdsServer(host);
  serveSidecarConfig(ads, {
    podIp: '127.1.0.9',
    namespace: 'bookinfo',
    services: [
      {
        name: 'details',
        namespace: 'bookinfo',
        port: 9080,
        endpoints: [{ address: '127.1.0.5', port: 15006, tls: true }],
      },
    ],
  });
  const client = new XdsClient({
    address: ads.address,
    node: { id: 'sidecar~127.1.0.9~sleep-1.bookinfo~bookinfo.svc.cluster.local' },
  });
  t.after(async () => {
    client.stop();
    await ads.close();
  });
  client.start();
  await until(() => client.isReady(), 'sync over state of the world');
  assert.equal(client.protocol, 'sotw');
});
