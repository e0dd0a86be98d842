// Inbound identity: a sidecar's mTLS listener accepts only workloads of the organization's trust domains, with a
// well-formed certificate from the mesh root, both when dialled directly and through the East-West gateway (which
// passes TLS through, so the sidecar sees the client's own certificate). Every refusal is asserted twice: the
// sidecar's refusal counter names the reason, and the counting app behind the sidecar received 0 bytes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IssuedCertificate } from '../../src/identity/index.js';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { TestApp } from '../support/proxies.js';
import {
  counterValue,
  killAll,
  proxyMetrics,
  randomLoopback,
  spawnProxy,
  startApp,
  gatewayEnv,
} from '../support/proxies.js';
import { probe } from '../support/raw-probes.js';
import { cdsFor, eastWestLdsFor, edsFor, serveSidecarConfig } from '../support/xds-resources.js';

const ipB = randomLoopback(); // details sidecar, told the organization's trust domains
const ipC = randomLoopback(); // reviews sidecar, told none (fails closed to its own domain)
const ipGw = randomLoopback();
const lbGw = randomLoopback();
const SNI_B = 'outbound_.9080_._.details.bookinfo.svc.cluster.local';
const SNI_C = 'outbound_.9080_._.reviews.bookinfo.svc.cluster.local';
const REQUEST = 'GET /details/0 HTTP/1.1\r\nHost: details:9080\r\nConnection: close\r\n\r\n';
let pki: TestPki;
let appB: TestApp;
let appC: TestApp;
const servers: TestAdsServer[] = [];

before(async () => {
  pki = await createTestPki();
  [appB, appC] = await Promise.all([startApp('details-v1', ipB, 9080), startApp('reviews-v1', ipC, 9080)]);
  const [adsB, adsC, adsGw] = await Promise.all([startTestAdsServer(), startTestAdsServer(), startTestAdsServer()]);
  servers.push(adsB!, adsC!, adsGw!);
  serveSidecarConfig(adsB!, {
    podIp: ipB,
    namespace: 'bookinfo',
    services: [],
    inbound: [{ port: 9080, service: 'details.bookinfo.svc.cluster.local', appPort: 9080 }],
    trustDomains: ['cluster-1.local', 'cluster-2.local'],
  });
  serveSidecarConfig(adsC!, {
    podIp: ipC,
    namespace: 'bookinfo',
    services: [],
    inbound: [{ port: 9080, service: 'reviews.bookinfo.svc.cluster.local', appPort: 9080 }],
    trustDomains: [],
  });
  const gwServices = [
    { name: 'details', namespace: 'bookinfo', port: 9080, endpoints: [{ address: ipB, port: 15006, tls: true }] },
  ];
  adsGw!.set('cluster', cdsFor(gwServices));
  adsGw!.set('endpoint', edsFor(gwServices));
  // The gateway forwards only SNIs its Gateway exports (the federation writes details' host).
  adsGw!.set('listener', eastWestLdsFor(lbGw, gwServices));
  const base = { MB_NAMESPACE: 'bookinfo', MB_CLUSTER: 'cluster-2', MB_LOCALITY: 'eu-west-1/eu-west-1a/' };
  await Promise.all([
    spawnProxy('sidecar-main.js', {
      ...base,
      MB_XDS_ADDRESS: adsB!.address,
      MB_POD_IP: ipB,
      MB_POD_NAME: 'details-v1-b',
      MB_CERT_DIR: await pki.workloadDir('cluster-2.local', 'bookinfo', 'bookinfo-details'),
    }),
    spawnProxy('sidecar-main.js', {
      ...base,
      MB_XDS_ADDRESS: adsC!.address,
      MB_POD_IP: ipC,
      MB_POD_NAME: 'reviews-v1-c',
      MB_CERT_DIR: await pki.workloadDir('cluster-2.local', 'bookinfo', 'bookinfo-reviews'),
    }),
    spawnProxy('gateway-main.js', {
      ...base,
      ...gatewayEnv({ xdsAddress: adsGw!.address, podIp: ipGw, addresses: lbGw }),
    }),
  ]);
});

after(async () => {
  killAll();
  await Promise.all([appB?.close(), appC?.close(), ...servers.map((s) => s.close())]);
});

/** `meshbridge_inbound_refused_total{reason}` of the sidecar at `ip`. */
async function refusals(ip: string, reason: string): Promise<number> {
  return counterValue(await proxyMetrics(ip), 'meshbridge_inbound_refused_total', 'reason', reason);
}

/** Presents `cert` (or none) over mTLS to `host:port` with `servername`, then sends one request. */
function mtls(cert: IssuedCertificate | undefined, host: string, port: number, servername: string) {
  return probe({
    host,
    port,
    tls: {
      servername,
      ca: pki.root.certPem,
      checkServerIdentity: () => undefined,
      ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
    },
    chunks: [REQUEST],
  });
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

const hostile: Array<{
  name: string;
  cert: () => Promise<IssuedCertificate | undefined> | IssuedCertificate | undefined;
  reason: string;
}> = [
  { name: 'no client certificate', cert: () => undefined, reason: 'handshake' },
  { name: 'a certificate from a foreign CA', cert: () => pki.bad.otherRoot, reason: 'handshake' },
  { name: 'an expired certificate', cert: () => pki.bad.expired, reason: 'handshake' },
  { name: 'a CA certificate presented as a leaf', cert: () => pki.bad.caLeaf, reason: 'ca_leaf' },
  {
    name: 'a root-signed certificate of a foreign trust domain (spiffe://evil.local/...)',
    cert: () => pki.issue('evil.local', 'bookinfo', 'sleep'),
    reason: 'trust_domain',
  },
  { name: 'a certificate with two URI SANs', cert: () => pki.bad.twoUris, reason: 'bad_san' },
];

for (const path of ['directly', 'through the East-West gateway'] as const) {
  const [host, port]: [string, number] = path === 'directly' ? [ipB, 15006] : [lbGw, 15443];
  describe(`inbound mTLS ${path}`, () => {
    it('serves a workload of another cluster of the organization (control)', async () => {
      const r = await mtls(await pki.issue('cluster-1.local', 'bookinfo', 'bookinfo-productpage'), host, port, SNI_B);
      assert.match(r.data, /^HTTP\/1\.1 200/);
    });
    for (const c of hostile) {
      it(`refuses ${c.name}; the app receives 0 bytes`, async () => {
        const bytesBefore = appB.bytesReceived;
        const refusedBefore = await refusals(ipB, c.reason);
        const r = await mtls(await c.cert(), host, port, SNI_B);
        assert.equal(r.data, '', 'no HTTP response');
        assert.ok(r.closed, 'connection closed by the sidecar');
        await settle();
        assert.equal(await refusals(ipB, c.reason), refusedBefore + 1, `refusal counted as ${c.reason}`);
        assert.equal(appB.bytesReceived, bytesBefore, 'the app received 0 bytes');
      });
    }
  });
}

describe('inbound mTLS before the control plane names the trust domains', () => {
  it('accepts its own trust domain (control)', async () => {
    const r = await mtls(await pki.issue('cluster-2.local', 'bookinfo', 'sleep'), ipC, 15006, SNI_C);
    assert.match(r.data, /^HTTP\/1\.1 200/);
  });

  it('fails closed for another domain under the same root; the app receives 0 bytes', async () => {
    const bytesBefore = appC.bytesReceived;
    const refusedBefore = await refusals(ipC, 'trust_domain');
    const r = await mtls(await pki.issue('cluster-1.local', 'bookinfo', 'sleep'), ipC, 15006, SNI_C);
    assert.equal(r.data, '');
    assert.ok(r.closed);
    await settle();
    assert.equal(await refusals(ipC, 'trust_domain'), refusedBefore + 1);
    assert.equal(appC.bytesReceived, bytesBefore, 'the app received 0 bytes');
  });
});
