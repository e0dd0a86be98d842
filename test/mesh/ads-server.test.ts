import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlPlaneOptionsError, startControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { RawAdsClient } from './ads-client.js';

const ip = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.1`;

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
const node = (podName: string, podIp: string) => ({
  id: `sidecar~${podIp}~${podName}.shop~shop.svc.cluster.local`,
  locality: { region: 'r1', zone: 'z1' },
});

async function setup() {
  const source = createMemorySource([
    ns,
    svc('cart'),
    svc('web'),
    pod('cart-0', 'cart', '127.1.0.2'),
    pod('web-0', 'web', '127.1.0.3'),
  ]);
  const cp = await startControlPlane({ source, listen: { host: ip, port: 0 }, clusterName: 'c1', debounceMs: 20 });
  return { source, cp };
}

test('state of the world: CDS wildcard, EDS by name, versions and nonces per response, ACK recorded', async (t) => {
  const { cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  const n = node('web-0', '127.1.0.3');
  client.send({ node: n, type_url: TYPE_URLS.cluster, resource_names: [] });
  const cds = await client.next();
  assert.equal(cds.type_url, TYPE_URLS.cluster);
  assert.equal(cds.version_info, '1');
  assert.ok(cds.nonce);
  assert.deepEqual(
    cds.resources.map((r) => r['name']),
    ['inbound|8080||', 'outbound|8080||cart.shop.svc.cluster.local', 'outbound|8080||web.shop.svc.cluster.local'],
  );
  client.send({ type_url: TYPE_URLS.cluster, version_info: '1', response_nonce: cds.nonce });
  client.send({ type_url: TYPE_URLS.endpoint, resource_names: ['outbound|8080||cart.shop.svc.cluster.local'] });
  const eds = await client.next();
  assert.equal(eds.type_url, TYPE_URLS.endpoint);
  assert.deepEqual(
    eds.resources.map((r) => r['cluster_name']),
    ['outbound|8080||cart.shop.svc.cluster.local'],
  );
  assert.notEqual(eds.nonce, cds.nonce);
  client.send({
    type_url: TYPE_URLS.endpoint,
    version_info: eds.version_info,
    response_nonce: eds.nonce,
    resource_names: ['outbound|8080||cart.shop.svc.cluster.local'],
  });
  await client.quietFor(100);
  const stats = cp.stats();
  assert.equal(stats.acks, 2);
  const types = stats.proxies[0]?.types ?? {};
  assert.equal(types[TYPE_URLS.cluster]?.ackedVersion, '1');
  assert.deepEqual(types[TYPE_URLS.endpoint]?.subscribed, ['outbound|8080||cart.shop.svc.cluster.local']);
});

const CART = 'outbound|8080||cart.shop.svc.cluster.local';
const WEB = 'outbound|8080||web.shop.svc.cluster.local';

test('a change pushes only the types and the EDS resources that changed for that proxy, after the debounce', async (t) => {
  const { source, cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node: node('web-0', '127.1.0.3'), type_url: TYPE_URLS.cluster });
  const cds = await client.next();
  client.send({ type_url: TYPE_URLS.cluster, version_info: cds.version_info, response_nonce: cds.nonce });
  client.send({ type_url: TYPE_URLS.endpoint, resource_names: [CART, WEB] });
  const eds = await client.next();
  assert.deepEqual(
    eds.resources.map((r) => r['cluster_name']),
    [CART, WEB],
  );
  const ack = (r: { version_info: string; nonce: string }, names: string[]) =>
    client.send({
      type_url: TYPE_URLS.endpoint,
      version_info: r.version_info,
      response_nonce: r.nonce,
      resource_names: names,
    });
  ack(eds, [CART, WEB]);
  // A second cart pod changes cart's endpoints only: EDS is pushed with cart's assignment alone, CDS not at all.
  source.apply(pod('cart-1', 'cart', '127.1.0.4'));
  const pushed = await client.next();
  assert.equal(pushed.type_url, TYPE_URLS.endpoint);
  assert.equal(pushed.version_info, '2');
  assert.deepEqual(
    pushed.resources.map((r) => r['cluster_name']),
    [CART],
  );
  assert.match(JSON.stringify(pushed.resources), /127\.1\.0\.4/);
  ack(pushed, [CART, WEB]);
  assert.ok(await client.quietFor(150), 'no CDS push for an endpoint-only change');
});

test('nothing is pushed for resources outside a by-name subscription', async (t) => {
  const { source, cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node: node('web-0', '127.1.0.3'), type_url: TYPE_URLS.endpoint, resource_names: [CART] });
  const eds = await client.next();
  client.send({
    type_url: TYPE_URLS.endpoint,
    version_info: eds.version_info,
    response_nonce: eds.nonce,
    resource_names: [CART],
  });
  source.apply(pod('web-1', 'web', '127.1.0.5'));
  assert.ok(await client.quietFor(200), 'a change to web is not sent to a proxy subscribed to cart only');
  source.apply(pod('cart-1', 'cart', '127.1.0.4'));
  assert.deepEqual(
    (await client.next()).resources.map((r) => r['cluster_name']),
    [CART],
  );
});

test('a NACK is recorded with its error, the content is not resent, and the next change is pushed', async (t) => {
  const { source, cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node: node('web-0', '127.1.0.3'), type_url: TYPE_URLS.cluster });
  const v1 = await client.next();
  client.send({ type_url: TYPE_URLS.cluster, version_info: '1', response_nonce: v1.nonce });
  source.apply(svc('pay'));
  const v2 = await client.next();
  assert.equal(v2.version_info, '2');
  // Reject version 2; the proxy keeps version 1.
  client.send({
    type_url: TYPE_URLS.cluster,
    version_info: '1',
    response_nonce: v2.nonce,
    error_detail: { code: 3, message: 'cluster pay: bad config' },
  });
  assert.ok(await client.quietFor(150), 'a NACKed version is not resent');
  const types = cp.stats().proxies[0]?.types ?? {};
  assert.equal(types[TYPE_URLS.cluster]?.ackedVersion, '1');
  assert.equal(types[TYPE_URLS.cluster]?.lastNack?.version, '2');
  assert.equal(types[TYPE_URLS.cluster]?.lastNack?.message, 'cluster pay: bad config');
  assert.equal(cp.stats().nacks, 1);
  source.apply(svc('ship'));
  const v3 = await client.next();
  assert.equal(v3.version_info, '3');
});

test('a request answering a stale nonce is ignored', async (t) => {
  const { cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node: node('web-0', '127.1.0.3'), type_url: TYPE_URLS.cluster });
  const v1 = await client.next();
  client.send({ type_url: TYPE_URLS.cluster, version_info: '1', response_nonce: 'not-a-nonce', resource_names: ['x'] });
  assert.ok(await client.quietFor(150));
  client.send({ type_url: TYPE_URLS.cluster, version_info: '1', response_nonce: v1.nonce });
  await client.quietFor(50);
  assert.equal(cp.stats().acks, 1);
});

test('a reconnecting proxy whose first request carries a nonce of an earlier stream is subscribed and answered', async (t) => {
  const { cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  // What an xDS client sends on a new stream after its server restarted: the version and nonce it last accepted.
  client.send({
    node: node('web-0', '127.1.0.3'),
    type_url: TYPE_URLS.cluster,
    resource_names: [],
    version_info: '7',
    response_nonce: '12',
  });
  const cds = await client.next();
  assert.equal(cds.type_url, TYPE_URLS.cluster);
  assert.deepEqual(
    cds.resources.map((r) => r['name']),
    ['inbound|8080||', 'outbound|8080||cart.shop.svc.cluster.local', 'outbound|8080||web.shop.svc.cluster.local'],
  );
  assert.equal(cp.stats().acks, 0, "the earlier stream's nonce is not taken for an ACK");
});

test('LDS by name answers proxyless gRPC targets with API listeners and unsubscribing empties the response', async (t) => {
  const { cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node: node('grpc-client', '127.1.0.9'), type_url: TYPE_URLS.listener, resource_names: ['cart:8080'] });
  const lds = await client.next();
  assert.deepEqual(
    lds.resources.map((r) => r['name']),
    ['cart:8080'],
  );
  const hcm = (lds.resources[0]?.['api_listener'] as { api_listener: Record<string, unknown> }).api_listener;
  assert.equal(
    hcm['@type'],
    'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  );
  assert.match(JSON.stringify(hcm), /outbound\|8080\|\|cart\.shop\.svc\.cluster\.local/);
  client.send({
    type_url: TYPE_URLS.listener,
    version_info: lds.version_info,
    response_nonce: lds.nonce,
    resource_names: [],
  });
  const empty = await client.next();
  assert.deepEqual(empty.resources, []);
});

test('a stream whose node id is malformed is closed with INVALID_ARGUMENT', async (t) => {
  const { cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  client.send({ node: { id: 'just-a-name' }, type_url: TYPE_URLS.cluster });
  await assert.rejects(
    client.next(),
    (e: { code?: number; details?: string }) => e.code === 3 && /node id/.test(e.details ?? ''),
  );
});

test('invalid options are refused before anything listens', async () => {
  const source = createMemorySource();
  await assert.rejects(
    startControlPlane({ source, listen: { host: ip, port: 70000 }, clusterName: 'c1' }),
    (e: unknown) => e instanceof ControlPlaneOptionsError && e.code === 'MB0805',
  );
  await assert.rejects(
    startControlPlane({ source, listen: { host: ip, port: 0 }, clusterName: '' }),
    ControlPlaneOptionsError,
  );
});

test('a changed EDS subscription is answered with only the newly subscribed assignments; dropped ones are resent when asked again', async (t) => {
  const { cp } = await setup();
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await cp.close();
  });
  const ask = (names: string[], r?: { version_info: string; nonce: string }) =>
    client.send({
      ...(r ? {} : { node: node('web-0', '127.1.0.3') }),
      type_url: TYPE_URLS.endpoint,
      resource_names: names,
      ...(r ? { version_info: r.version_info, response_nonce: r.nonce } : {}),
    });
  ask([CART]);
  const first = await client.next();
  assert.deepEqual(
    first.resources.map((r) => r['cluster_name']),
    [CART],
  );
  ask([CART, WEB], first);
  const added = await client.next();
  assert.deepEqual(
    added.resources.map((r) => r['cluster_name']),
    [WEB],
  );
  ask([WEB], added);
  assert.ok(await client.quietFor(150), 'dropping a name needs no response');
  ask([CART, WEB], added);
  const again = await client.next();
  assert.deepEqual(
    again.resources.map((r) => r['cluster_name']),
    [CART],
  );
});
