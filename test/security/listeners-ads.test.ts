/**
 * Listeners, ADS: the embedded control plane listens on loopback, where every local user can connect. Without the
 * cluster's token a stream ends with UNAUTHENTICATED before it sees a single resource (no service, endpoint or
 * gateway address of the cluster leaks), and no proxy session is registered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import { newProxySecret } from '../../src/dataplane/sidecar/proxy-auth.js';
import { XdsClient } from '../../src/dataplane/xds/client.js';
import { ControlPlaneOptionsError, startControlPlane, type ControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { RawAdsClient } from '../mesh/ads-client.js';
import { randomLoopback } from '../support/proxies.js';

const TOKEN = newProxySecret();
const host = randomLoopback();
const node = { id: 'sidecar~127.1.0.3~web-0.shop~shop.svc.cluster.local', locality: { region: 'r1', zone: 'z1' } };

const source = createMemorySource([
  { kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
  {
    kind: 'Service',
    metadata: { name: 'cart', namespace: 'shop' },
    spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 8080 }] },
  },
  {
    kind: 'Pod',
    metadata: { name: 'cart-0', namespace: 'shop', labels: { app: 'cart' } },
    spec: { containers: [{ name: 'cart', ports: [{ containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: '127.1.0.2', conditions: [{ type: 'Ready', status: 'True' }] },
  },
]);

let cp: ControlPlane;
before(async () => {
  cp = await startControlPlane({ source, listen: { host, port: 0 }, clusterName: 'c1', debounceMs: 10, token: TOKEN });
});
after(async () => {
  await cp.close();
});

const withAuthorization = (value: string): Metadata => {
  const m = new Metadata();
  m.set('authorization', value);
  return m;
};

/** Opens a raw stream with `metadata`, subscribes to CDS and returns what came back: an error or a response. */
async function subscribe(metadata: Metadata | undefined) {
  const client = new RawAdsClient(cp.address, metadata);
  try {
    client.send({ node, type_url: TYPE_URLS.cluster, resource_names: [] });
    try {
      return { response: await client.next(3000) };
    } catch (err) {
      return { error: err as Error & { code?: number } };
    }
  } finally {
    client.close();
  }
}

/** Asserts the refusal: UNAUTHENTICATED, no response, nothing counted, no proxy session. */
async function assertRefused(metadata: Metadata | undefined): Promise<void> {
  const before = cp.stats();
  const r = await subscribe(metadata);
  assert.equal(r.response, undefined, 'no DiscoveryResponse reached the client');
  assert.equal(r.error?.code, status.UNAUTHENTICATED, String(r.error));
  const after = cp.stats();
  assert.equal(after.responses, before.responses, '0 responses sent');
  assert.equal(after.proxies.length, 0, 'no proxy session registered');
}

describe('listeners: the ADS server requires the cluster token', () => {
  it('refuses a stream without a token with UNAUTHENTICATED and sends nothing', async () => {
    await assertRefused(undefined);
  });

  it('refuses a stream with a wrong token', async () => {
    await assertRefused(withAuthorization(`Bearer ${newProxySecret()}`));
  });

  it('refuses the right token under another scheme (Basic)', async () => {
    await assertRefused(withAuthorization(`Basic ${TOKEN}`));
  });

  it('refuses a prefix of the right token', async () => {
    await assertRefused(withAuthorization(`Bearer ${TOKEN.slice(0, -1)}`));
  });

  it('refuses an oversized authorization value', async () => {
    await assertRefused(withAuthorization(`Bearer ${'A'.repeat(4096)}`));
  });

  it("never gives the data plane's client a config with a wrong token; it keeps retrying, refused", async () => {
    const before = cp.stats().responses;
    const xds = new XdsClient({ address: cp.address, node, token: newProxySecret() });
    const errors: (Error | undefined)[] = [];
    xds.on('disconnected', (err) => errors.push(err));
    xds.start();
    try {
      const deadline = Date.now() + 5000;
      while (errors.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(errors.length >= 2, 'the client was refused and retried');
      for (const e of errors) assert.equal((e as Error & { code?: number }).code, status.UNAUTHENTICATED);
      assert.equal(xds.state.cluster.received, false);
      assert.equal(cp.stats().responses, before);
    } finally {
      xds.stop();
    }
  });

  it('serves a stream with the right token (positive control)', async () => {
    const r = await subscribe(withAuthorization(`Bearer ${TOKEN}`));
    assert.equal(r.error, undefined);
    assert.equal(r.response?.type_url, TYPE_URLS.cluster);
    assert.ok(r.response?.resources.some((c) => c['name'] === 'outbound|8080||cart.shop.svc.cluster.local'));
  });

  it("the data plane's client with the right token gets the config", async () => {
    const xds = new XdsClient({ address: cp.address, node, token: TOKEN });
    xds.start();
    try {
      const deadline = Date.now() + 5000;
      while (!xds.isReady() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(xds.isReady(), 'complete config received');
      assert.ok(xds.state.cluster.models.has('outbound|8080||cart.shop.svc.cluster.local'));
    } finally {
      xds.stop();
    }
  });

  it('refuses to start with a malformed token, without echoing it', async () => {
    await assert.rejects(
      startControlPlane({ source, listen: { host, port: 0 }, clusterName: 'c1', token: 'short secret' }),
      (err: Error) => err instanceof ControlPlaneOptionsError && !err.message.includes('short secret'),
    );
  });
});
