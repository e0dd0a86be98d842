import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metadata } from '@grpc/grpc-js';
import { startControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { RawDeltaClient } from './delta-ads-client.js';

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
const node = { id: 'sidecar~127.1.0.3~web-0.shop~shop.svc.cluster.local', locality: { region: 'r1', zone: 'z1' } };
const CART = 'outbound|8080||cart.shop.svc.cluster.local';
const WEB = 'outbound|8080||web.shop.svc.cluster.local';
const PAY = 'outbound|8080||pay.shop.svc.cluster.local';
const TOKEN = 'delta-test-token-0123456789abcdefghijklmnop';

async function setup(t: { after: (f: () => Promise<void>) => void }, token?: string) {
  const source = createMemorySource([
    ns,
    svc('cart'),
    svc('web'),
    pod('cart-0', 'cart', '127.1.0.2'),
    pod('web-0', 'web', '127.1.0.3'),
  ]);
  const cp = await startControlPlane({
    source,
    listen: { host: ip, port: 0 },
    clusterName: 'c1',
    debounceMs: 20,
    ...(token ? { token } : {}),
  });
  const clients: RawDeltaClient[] = [];
  const connect = (md?: Metadata) => {
    const c = new RawDeltaClient(cp.address, md);
    clients.push(c);
    return c;
  };
  t.after(async () => {
    clients.forEach((c) => c.close());
    await cp.close();
  });
  return { source, cp, connect };
}

test('delta: a wildcard CDS subscription gets every cluster with a version, EDS by name only what it names; ACKs are recorded per resource', async (t) => {
  const { cp, connect } = await setup(t);
  const client = connect();
  client.send({ node, type_url: TYPE_URLS.cluster });
  const cds = await client.next();
  assert.equal(cds.type_url, TYPE_URLS.cluster);
  assert.deepEqual([...cds.resources.keys()].sort(), ['inbound|8080||', CART, WEB]);
  for (const { version } of cds.resources.values()) assert.match(version, /^[A-Za-z0-9_-]{20,}$/);
  assert.deepEqual(cds.removed, []);
  client.ack(cds);
  client.send({ type_url: TYPE_URLS.endpoint, resource_names_subscribe: [CART] });
  const eds = await client.next();
  assert.deepEqual([...eds.resources.keys()], [CART]);
  assert.notEqual(eds.nonce, cds.nonce);
  client.ack(eds);
  await client.quietFor(100);
  const stats = cp.stats();
  assert.equal(stats.acks, 2);
  assert.equal(stats.proxies[0]?.protocol, 'delta');
  assert.equal(stats.proxies[0]?.types[TYPE_URLS.endpoint]?.ackedVersion, '1', 'one EDS resource ACKed');
  assert.equal(stats.proxies[0]?.types[TYPE_URLS.cluster]?.ackedVersion, '3', 'three clusters ACKed');
});

test('delta: an endpoint change sends only the changed assignment; a deleted service is sent as removed_resources', async (t) => {
  const { source, connect } = await setup(t);
  const client = connect();
  client.send({ node, type_url: TYPE_URLS.cluster });
  client.ack(await client.next());
  client.send({ type_url: TYPE_URLS.endpoint, resource_names_subscribe: [CART, WEB] });
  const eds = await client.next();
  assert.deepEqual([...eds.resources.keys()].sort(), [CART, WEB]);
  client.ack(eds);
  source.apply(pod('cart-1', 'cart', '127.1.0.4'));
  const pushed = await client.next();
  assert.equal(pushed.type_url, TYPE_URLS.endpoint, 'no CDS response for an endpoint-only change');
  assert.deepEqual([...pushed.resources.keys()], [CART]);
  assert.notEqual(pushed.resources.get(CART)?.version, eds.resources.get(CART)?.version);
  assert.match(JSON.stringify(pushed.resources.get(CART)?.resource), /127\.1\.0\.4/);
  client.ack(pushed);
  assert.ok(await client.quietFor(150), 'nothing else is sent');

  source.remove({ kind: 'Service', metadata: { name: 'cart', namespace: 'shop' } });
  const cdsRemoval = await client.next();
  assert.equal(cdsRemoval.type_url, TYPE_URLS.cluster);
  assert.deepEqual(cdsRemoval.removed, [CART]);
  assert.equal(cdsRemoval.resources.size, 0);
  client.ack(cdsRemoval);
  const edsRemoval = await client.next();
  assert.equal(edsRemoval.type_url, TYPE_URLS.endpoint);
  assert.deepEqual(edsRemoval.removed, [CART]);
});

test('delta: proxies that subscribe to every assignment share one first response; each then gets only what changes', async (t) => {
  const { source, cp, connect } = await setup(t);
  const a = connect();
  const b = connect();
  a.send({ node, type_url: TYPE_URLS.endpoint, resource_names_subscribe: [CART, WEB, PAY] });
  b.send({
    node: { ...node, id: 'sidecar~127.1.0.9~web-1.shop~shop.svc.cluster.local' },
    type_url: TYPE_URLS.endpoint,
    resource_names_subscribe: [WEB, CART, PAY],
  });
  const [fa, fb] = [await a.next(), await b.next()];
  for (const first of [fa, fb]) {
    assert.deepEqual([...first.resources.keys()].sort(), [CART, WEB]);
    assert.deepEqual(first.removed, [PAY], 'a subscribed name that does not exist is reported absent');
  }
  assert.equal(fa.resources.get(CART)?.version, fb.resources.get(CART)?.version);
  a.ack(fa);
  b.ack(fb);
  await a.quietFor(100);
  for (const p of cp.stats().proxies)
    assert.equal(p.types[TYPE_URLS.endpoint]?.ackedVersion, '2', 'both assignments ACKed');
  source.apply(pod('web-1', 'web', '127.1.0.5'));
  for (const c of [a, b]) {
    const pushed = await c.next();
    assert.deepEqual(
      [...pushed.resources.keys()],
      [WEB],
      'only the changed assignment: the shared set was recorded as held',
    );
    assert.deepEqual(pushed.removed, []);
  }
  source.apply(svc('pay'));
  const paid = await a.next();
  assert.deepEqual([...paid.resources.keys()], [PAY], 'the name reported absent is sent once it exists');
});

test('delta: unsubscribing stops updates, subscribing again resends, and a name that does not exist is reported removed', async (t) => {
  const { source, connect } = await setup(t);
  const client = connect();
  client.send({ node, type_url: TYPE_URLS.endpoint, resource_names_subscribe: [CART, PAY] });
  const first = await client.next();
  assert.deepEqual([...first.resources.keys()], [CART]);
  assert.deepEqual(first.removed, [PAY], 'a subscribed name that does not exist is reported absent');
  client.ack(first);
  client.send({ type_url: TYPE_URLS.endpoint, resource_names_unsubscribe: [CART] });
  assert.ok(await client.quietFor(100), 'an unsubscription is not answered when nothing changes for the proxy');
  source.apply(pod('cart-1', 'cart', '127.1.0.4'));
  assert.ok(await client.quietFor(200), 'no update for a name the proxy unsubscribed from');
  client.send({ type_url: TYPE_URLS.endpoint, resource_names_subscribe: [CART] });
  const again = await client.next();
  assert.deepEqual([...again.resources.keys()], [CART]);
  source.apply(svc('pay'));
  const paid = await client.next(); // the service now exists: its assignment is sent
  assert.deepEqual([...paid.resources.keys()], [PAY]);
});

test('delta: a NACK is recorded, the rejected content is not resent, and the next change is pushed', async (t) => {
  const { source, cp, connect } = await setup(t);
  const client = connect();
  client.send({ node, type_url: TYPE_URLS.cluster });
  client.ack(await client.next());
  source.apply(svc('pay'));
  const added = await client.next();
  assert.deepEqual([...added.resources.keys()], [PAY]);
  client.send({
    type_url: TYPE_URLS.cluster,
    response_nonce: added.nonce,
    error_detail: { code: 3, message: 'cluster pay: bad config' },
  });
  assert.ok(await client.quietFor(150), 'a NACKed resource is not resent');
  const types = cp.stats().proxies[0]?.types ?? {};
  assert.equal(types[TYPE_URLS.cluster]?.lastNack?.message, 'cluster pay: bad config');
  assert.equal(types[TYPE_URLS.cluster]?.ackedVersion, '3', 'the ledger still holds the three ACKed clusters');
  assert.equal(cp.stats().nacks, 1);
  source.apply(svc('ship'));
  const next = await client.next();
  assert.deepEqual([...next.resources.keys()], ['outbound|8080||ship.shop.svc.cluster.local']);
});

test('delta: a reconnecting proxy states its versions and gets only what changed meanwhile, removals included', async (t) => {
  const { source, connect } = await setup(t);
  const before = connect();
  before.send({ node, type_url: TYPE_URLS.cluster });
  const held = await before.next();
  before.ack(held);
  before.close();
  // While the proxy is away: cart is deleted, pay is added; web and the inbound cluster are unchanged.
  source.remove({ kind: 'Service', metadata: { name: 'cart', namespace: 'shop' } });
  source.apply(svc('pay'));
  await new Promise((r) => setTimeout(r, 100));
  const after = connect();
  const versions = Object.fromEntries([...held.resources].map(([name, r]) => [name, r.version]));
  versions['inbound|8080||'] = 'stale-version';
  after.send({ node, type_url: TYPE_URLS.cluster, initial_resource_versions: versions });
  const resync = await after.next();
  assert.deepEqual([...resync.resources.keys()].sort(), ['inbound|8080||', PAY], 'only what it lacks');
  assert.deepEqual(resync.removed, [CART]);
  after.ack(resync);
  assert.ok(await after.quietFor(100));
});

test('delta: a stream without the token ends with UNAUTHENTICATED before anything is sent', async (t) => {
  const { connect } = await setup(t, TOKEN);
  const anonymous = connect();
  anonymous.send({ node, type_url: TYPE_URLS.cluster });
  await assert.rejects(anonymous.next(), /UNAUTHENTICATED|missing or wrong xDS token/);
  const md = new Metadata();
  md.set('authorization', `Bearer ${TOKEN}`);
  const allowed = connect(md);
  allowed.send({ node, type_url: TYPE_URLS.cluster });
  assert.equal((await allowed.next()).resources.size, 3);
});
