import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { RawAdsClient, type DecodedResponse } from './ads-client.js';
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
const CART = 'outbound|8080||cart.shop.svc.cluster.local';
const WEB = 'outbound|8080||web.shop.svc.cluster.local';
const node = (i: number) => ({
  id: `sidecar~127.9.0.${i}~client-${i}.shop~shop.svc.cluster.local`,
  locality: { region: 'r1' },
});

test('convergence per object: a change is Converged only once every proxy holding it ACKed, over both protocols, and the change -> last ACK time is a histogram', async (t) => {
  const source = createMemorySource([ns, svc('cart'), svc('web'), pod('cart-0', 'cart', '127.1.0.2')]);
  const cp = await startControlPlane({ source, listen: { host: ip, port: 0 }, clusterName: 'c1', debounceMs: 20 });
  const sotw = [1, 2].map(() => new RawAdsClient(cp.address));
  const delta = new RawDeltaClient(cp.address);
  t.after(async () => {
    sotw.forEach((c) => c.close());
    delta.close();
    await cp.close();
  });
  const ackSotw = (c: RawAdsClient, r: DecodedResponse, names: string[] = []) =>
    c.send({ type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce, resource_names: names });
  for (const [i, c] of sotw.entries()) {
    c.send({ node: node(i + 1), type_url: TYPE_URLS.cluster });
    ackSotw(c, await c.next());
    c.send({ type_url: TYPE_URLS.endpoint, resource_names: [CART, WEB] });
    ackSotw(c, await c.next(), [CART, WEB]);
  }
  delta.send({ node: node(3), type_url: TYPE_URLS.cluster });
  delta.ack(await delta.next());
  delta.send({ type_url: TYPE_URLS.endpoint, resource_names_subscribe: [CART, WEB] });
  delta.ack(await delta.next());
  await new Promise((r) => setTimeout(r, 100));

  const before = cp.convergence();
  assert.deepEqual(
    before.map((o) => [o.kind, o.namespace, o.name, o.acked, o.proxies, o.conditions[0].status]),
    [
      ['Service', 'shop', 'cart', 3, 3, 'True'],
      ['Service', 'shop', 'web', 3, 3, 'True'],
    ],
  );
  const cartBefore = before[0]!;
  assert.deepEqual(cartBefore.inXds.resources, [CART]);

  source.apply(pod('cart-1', 'cart', '127.1.0.4'));
  const pushed = await Promise.all(sotw.map((c) => c.next()));
  const deltaPushed = await delta.next();
  ackSotw(sotw[0]!, pushed[0]!, [CART, WEB]);
  delta.ack(deltaPushed);
  await new Promise((r) => setTimeout(r, 100));
  const pending = cp.convergence();
  const cart = pending.find((o) => o.name === 'cart')!;
  assert.ok(cart.written.revision > cartBefore.written.revision, 'the change is recorded as written');
  assert.equal(cart.inXds.revision, cp.stats().revision);
  assert.deepEqual(cart.conditions[0], {
    type: 'Converged',
    status: 'False',
    reason: 'ProxiesPending',
    message: 'ACKed by 2 of 3 proxies',
  });
  const web = pending.find((o) => o.name === 'web')!;
  assert.equal(web.written.revision, before[1]!.written.revision, 'an unchanged service keeps its revision');
  assert.equal(web.conditions[0].status, 'True');
  assert.equal(cp.stats().lastConvergenceMs, undefined, 'not converged yet');

  ackSotw(sotw[1]!, pushed[1]!, [CART, WEB]);
  await new Promise((r) => setTimeout(r, 100));
  const done = cp.convergence().find((o) => o.name === 'cart')!;
  assert.deepEqual(done.conditions[0], {
    type: 'Converged',
    status: 'True',
    reason: 'AllProxiesAcked',
    message: 'ACKed by 3 of 3 proxies',
  });
  const ms = cp.stats().lastConvergenceMs;
  assert.ok(ms !== undefined && ms >= 100, `change -> last ACK includes the withheld ACK (${ms} ms)`);
  const text = await cp.metrics.metrics();
  assert.match(text, /meshbridge_xds_convergence_seconds_count\{cluster="c1"\} 1\n/);
});
