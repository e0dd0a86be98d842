import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import type { IssuedCertificate } from '../../src/identity/index.js';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { TestApp } from '../support/proxies.js';
import { killAll, randomLoopback, spawnProxy, startApp, viaProxy, gatewayEnv } from '../support/proxies.js';
import { cdsFor, eastWestLdsFor, edsFor, serveSidecarConfig } from '../support/xds-resources.js';

// cluster-1: client -> sidecar A.  cluster-2: gateway (LB address :15443) -> sidecar B (:15006) -> app B.
const ipA = randomLoopback();
const ipB = randomLoopback();
const ipGw = randomLoopback();
const lbGw = randomLoopback();
const SNI = 'outbound_.9080_._.details.bookinfo.svc.cluster.local';
let pki: TestPki;
let appB: TestApp;
const servers: TestAdsServer[] = [];

const details = (endpoints: Array<{ address: string; port: number }>) => ({
  name: 'details',
  namespace: 'bookinfo',
  port: 9080,
  endpoints: endpoints.map((e) => ({ ...e, tls: true })),
});

before(async () => {
  pki = await createTestPki();
  appB = await startApp('details-v1', ipB, 9080);
  const [adsA, adsB, adsGw] = await Promise.all([startTestAdsServer(), startTestAdsServer(), startTestAdsServer()]);
  servers.push(adsA!, adsB!, adsGw!);
  serveSidecarConfig(adsA!, {
    podIp: ipA,
    namespace: 'bookinfo',
    services: [details([{ address: lbGw, port: 15443 }])],
  });
  serveSidecarConfig(adsB!, {
    podIp: ipB,
    namespace: 'bookinfo',
    services: [],
    inbound: [{ port: 9080, service: 'details.bookinfo.svc.cluster.local', appPort: 9080 }],
  });
  // The gateway's own view: local endpoints only, and its eastwest listener.
  const gwServices = [details([{ address: ipB, port: 15006 }])];
  adsGw!.set('cluster', cdsFor(gwServices));
  adsGw!.set('endpoint', edsFor(gwServices));
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
      MB_XDS_ADDRESS: adsB!.address,
      MB_POD_IP: ipB,
      MB_POD_NAME: 'details-v1-b',
      MB_CLUSTER: 'cluster-2',
      MB_CERT_DIR: await pki.workloadDir('cluster-2.local', 'bookinfo', 'bookinfo-details'),
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
  await Promise.all([appB?.close(), ...servers.map((s) => s.close())]);
});

/** Opens mTLS to sidecar B's inbound with `cert` (or none), sends a request, returns what came back. */
function probeInbound(
  cert: IssuedCertificate | undefined,
  servername = SNI,
): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    let data = '';
    const s = tls.connect({
      host: ipB,
      port: 15006,
      servername,
      ca: pki.root.certPem,
      checkServerIdentity: () => undefined,
      ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
    });
    s.on('secureConnect', () => s.write('GET /details/0 HTTP/1.1\r\nHost: details:9080\r\nConnection: close\r\n\r\n'));
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('error', (err: NodeJS.ErrnoException) => resolve({ data, error: err.code ?? err.message }));
    s.on('close', () => resolve({ data }));
    setTimeout(() => s.destroy(), 5000).unref();
  });
}

/** Sends raw bytes to the gateway; resolves with what came back once the gateway closes. */
function probeGateway(bytes: Buffer | undefined, waitMs = 8000): Promise<{ data: Buffer; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    const s = net.connect({ host: lbGw, port: 15443 }, () => bytes && s.write(bytes));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => resolve({ data: Buffer.concat(chunks), closedAfterMs: Date.now() - t0 }));
    setTimeout(() => s.destroy(), waitMs).unref();
  });
}

describe('cross-cluster through the East-West gateway', () => {
  it('carries mTLS end to end: sidecar A -> gateway (SNI passthrough) -> sidecar B -> app', async () => {
    const r = await viaProxy({ host: ipA }, 'http://details:9080/details/0');
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, 'details-v1');
    assert.equal(r.headers['x-meshbridge-served-by'], 'details-v1-b.bookinfo@cluster-2');
  });
});

describe('inbound mTLS refuses bad peers before the app sees a byte', () => {
  it('accepts a valid workload certificate (control)', async () => {
    const r = await probeInbound(await pki.issue('cluster-1.local', 'bookinfo', 'sleep'));
    assert.match(r.data, /^HTTP\/1\.1 200/);
  });

  const cases: Array<[string, () => IssuedCertificate | undefined]> = [
    ['no client certificate', () => undefined],
    ['a certificate from another root', () => pki.bad.otherRoot],
    ['an expired certificate', () => pki.bad.expired],
    ['a leaf marked CA', () => pki.bad.caLeaf],
    ['two URI SANs', () => pki.bad.twoUris],
  ];
  for (const [name, cert] of cases) {
    it(`refuses ${name}`, async () => {
      const before = appB.bytesReceived;
      const r = await probeInbound(cert());
      assert.equal(r.data, '', `no response for ${name}`);
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(appB.bytesReceived, before, 'the app received 0 bytes');
    });
  }

  it('refuses a valid peer whose SNI names no inbound service', async () => {
    const before = appB.bytesReceived;
    const r = await probeInbound(
      await pki.issue('cluster-1.local', 'bookinfo', 'sleep'),
      'outbound_.9999_._.other.ns.svc.cluster.local',
    );
    assert.equal(r.data, '');
    assert.equal(appB.bytesReceived, before);
  });
});

describe('the gateway forwards nothing it cannot place', () => {
  const clientHello = (servername: string): Promise<Buffer> =>
    // Capture a real ClientHello by pointing a TLS client at a local socket that records the first flight.
    new Promise((resolve) => {
      const srv = net.createServer((sock) => {
        sock.once('data', (d: Buffer) => {
          resolve(d);
          sock.destroy();
          srv.close();
        });
      });
      srv.listen(0, '127.0.0.1', () => {
        const c = tls.connect({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, servername });
        c.on('error', () => {});
      });
    });

  const cases: Array<[string, () => Promise<Buffer>]> = [
    ['plaintext HTTP', async () => Buffer.from('GET /details/0 HTTP/1.1\r\nHost: details:9080\r\n\r\n')],
    ['an unknown service SNI', () => clientHello('outbound_.9080_._.unknown.bookinfo.svc.cluster.local')],
    ['an SNI it cannot parse', () => clientHello('details.bookinfo.svc.cluster.local')],
    [
      'a malformed ClientHello',
      async () => Buffer.from([0x16, 0x03, 0x01, 0x00, 0x30, 0x01, 0x00, 0x00, 0x2c, 0xde, 0xad, 0xbe, 0xef]),
    ],
  ];
  for (const [name, bytes] of cases) {
    it(`closes ${name} with 0 bytes forwarded`, async () => {
      const before = appB.bytesReceived;
      const r = await probeGateway(await bytes());
      assert.equal(r.data.length, 0);
      assert.ok(r.closedAfterMs < 7000, `closed after ${r.closedAfterMs} ms`);
      assert.equal(appB.bytesReceived, before, 'the app received 0 bytes');
    });
  }

  it('closes a connection whose ClientHello never comes (~5 s)', async () => {
    const r = await probeGateway(Buffer.from([0x16, 0x03, 0x01]), 9000);
    assert.ok(r.closedAfterMs >= 4500 && r.closedAfterMs < 7000, `closed after ${r.closedAfterMs} ms`);
  });

  it('still serves real traffic afterwards', async () => {
    const r = await viaProxy({ host: ipA }, 'http://details.bookinfo:9080/');
    assert.equal(r.status, 200);
  });
});
