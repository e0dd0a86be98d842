// Outbound identity: a sidecar checks, inside the TLS handshake, that the server presents one of the SPIFFE IDs
// the control plane named for the endpoint (the service accounts behind the destination service), directly and
// through the East-West gateway. A server with any other identity is refused before a request byte is sent: the
// client gets Envoy's 503 and the server's application (a counting app, or a raw TLS impostor counting decrypted
// bytes) receives nothing.
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { TestApp } from '../support/proxies.js';
import { killAll, randomLoopback, spawnProxy, startApp, viaProxy, gatewayEnv } from '../support/proxies.js';
import type { TestService } from '../support/xds-resources.js';
import { cdsFor, eastWestLdsFor, edsFor, serveSidecarConfig } from '../support/xds-resources.js';

const ipA = randomLoopback(); // client sidecar (cluster-1)
const ipX = randomLoopback(); // server sidecar whose identity is bookinfo-reviews (cluster-2)
const ipI = randomLoopback(); // impostor: a bare TLS server with a root-signed spiffe://evil.local certificate
const ipGw = randomLoopback();
const lbGw = randomLoopback();
const id = (sa: string): string => `spiffe://cluster-2.local/ns/bookinfo/sa/${sa}`;
let pki: TestPki;
let appX: TestApp;
let impostor: tls.Server;
let impostorBytes = 0;
const servers: TestAdsServer[] = [];

// Each service has its own port so the server sidecar can serve all of them on distinct inbound chains.
const svc = (name: string, port: number, address: string, epPort: number, identities: string[]): TestService => ({
  name,
  namespace: 'bookinfo',
  port,
  endpoints: [{ address, port: epPort, tls: true }],
  identities,
  retries: 0,
});
const services: TestService[] = [
  svc('details', 9080, ipX, 15006, [id('bookinfo-details')]), // direct, wrong identity
  svc('ratings', 9081, lbGw, 15443, [id('bookinfo-ratings')]), // through the gateway, wrong identity
  svc('reviews', 9082, ipX, 15006, [id('bookinfo-reviews')]), // direct, right identity (control)
  svc('productpage', 9083, lbGw, 15443, [id('bookinfo-reviews')]), // through the gateway, right identity (control)
  svc('nosans', 9084, ipX, 15006, []), // the control plane named no identity
  svc('impostor', 9085, ipI, 15006, [id('bookinfo-impostor')]),
];

before(async () => {
  pki = await createTestPki();
  appX = await startApp('reviews-v1', ipX, 9080);
  const evil = await pki.issue('evil.local', 'bookinfo', 'bookinfo-impostor');
  impostor = tls.createServer({ cert: evil.certPem, key: evil.keyPem, ca: pki.root.certPem, requestCert: true });
  impostor.on('secureConnection', (s) => s.on('data', (d: Buffer) => (impostorBytes += d.length)));
  impostor.on('tlsClientError', () => {});
  await new Promise<void>((r) => impostor.listen(15006, ipI, () => r()));
  const [adsA, adsX, adsGw] = await Promise.all([startTestAdsServer(), startTestAdsServer(), startTestAdsServer()]);
  servers.push(adsA!, adsX!, adsGw!);
  serveSidecarConfig(adsA!, { podIp: ipA, namespace: 'bookinfo', services });
  serveSidecarConfig(adsX!, {
    podIp: ipX,
    namespace: 'bookinfo',
    services: [],
    inbound: services.map((s) => ({ port: s.port, service: `${s.name}.bookinfo.svc.cluster.local`, appPort: 9080 })),
  });
  const gwServices = services
    .filter((s) => s.endpoints[0]?.address === lbGw)
    .map((s) => ({ ...s, endpoints: [{ address: ipX, port: 15006, tls: true }] }));
  adsGw!.set('cluster', cdsFor(gwServices));
  adsGw!.set('endpoint', edsFor(gwServices));
  // The gateway forwards only SNIs its Gateway exports (as the federation writes them).
  adsGw!.set('listener', eastWestLdsFor(lbGw, gwServices));
  const base = { MB_NAMESPACE: 'bookinfo', MB_LOCALITY: 'eu-west-1/eu-west-1a/' };
  await Promise.all([
    spawnProxy('sidecar-main.js', {
      ...base,
      MB_XDS_ADDRESS: adsA!.address,
      MB_POD_IP: ipA,
      MB_POD_NAME: 'productpage-v1-a',
      MB_CLUSTER: 'cluster-1',
      MB_CERT_DIR: await pki.workloadDir('cluster-1.local', 'bookinfo', 'bookinfo-productpage'),
    }),
    spawnProxy('sidecar-main.js', {
      ...base,
      MB_XDS_ADDRESS: adsX!.address,
      MB_POD_IP: ipX,
      MB_POD_NAME: 'reviews-v1-x',
      MB_CLUSTER: 'cluster-2',
      MB_CERT_DIR: await pki.workloadDir('cluster-2.local', 'bookinfo', 'bookinfo-reviews'),
    }),
    spawnProxy('gateway-main.js', {
      ...base,
      ...gatewayEnv({ xdsAddress: adsGw!.address, podIp: ipGw, addresses: lbGw }),
      MB_CLUSTER: 'cluster-2',
    }),
  ]);
});

after(async () => {
  killAll();
  impostor?.close();
  await Promise.all([appX?.close(), ...servers.map((s) => s.close())]);
});

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

describe('outbound mTLS checks the destination service identity', () => {
  it('reaches a server presenting the expected identity, directly (control)', async () => {
    const r = await viaProxy({ host: ipA }, 'http://reviews:9082/');
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, 'reviews-v1');
  });

  it('reaches a server presenting the expected identity through the gateway (control)', async () => {
    const r = await viaProxy({ host: ipA }, 'http://productpage:9083/');
    assert.equal(r.status, 200, r.body);
  });

  const refused: Array<[string, string]> = [
    ['a server with another service account of the same trust domain, directly', 'http://details:9080/'],
    ['a server with another service account, through the East-West gateway', 'http://ratings:9081/'],
    ['a server of an endpoint for which the control plane named no identity', 'http://nosans:9084/'],
  ];
  for (const [name, url] of refused) {
    it(`refuses ${name}; the app receives 0 bytes`, async () => {
      const before = appX.bytesReceived;
      const requestsBefore = appX.requests;
      const r = await viaProxy({ host: ipA }, url);
      assert.equal(r.status, 503, r.body);
      assert.match(r.body, /upstream connect error/);
      await settle();
      assert.equal(appX.bytesReceived, before, 'the app received 0 bytes');
      assert.equal(appX.requests, requestsBefore);
    });
  }

  it('refuses a root-signed impostor of a foreign trust domain before sending a request byte', async () => {
    const r = await viaProxy({ host: ipA }, 'http://impostor:9085/', { method: 'POST', body: 'secret' });
    assert.equal(r.status, 503, r.body);
    await settle();
    assert.equal(impostorBytes, 0, 'the impostor decrypted 0 bytes');
  });
});
