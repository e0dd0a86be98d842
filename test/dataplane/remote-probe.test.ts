/**
 * The remote-service probe against real processes: a client-side prober (src/mesh/probe/probe.ts) reaches
 * cluster-2's details through its East-West gateway (SNI passthrough) and details' sidecar, which answers the
 * probe itself. Each failure is told apart: no gateway, a gateway with no endpoint for the service, a sidecar
 * whose application is down. No probe ever reaches the application.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { TestApp } from '../support/proxies.js';
import { gatewayEnv, killAll, randomLoopback, spawnProxy, startApp } from '../support/proxies.js';
import { cdsFor, eastWestLdsFor, edsFor, serveSidecarConfig } from '../support/xds-resources.js';
import { probeOnce, type ProbeTls } from '../../src/mesh/probe/probe.js';
import { PROBE_SERVICE_ACCOUNT } from '../../src/xds/index.js';

const ipB = randomLoopback();
const ipGw = randomLoopback();
const lbGw = randomLoopback();
const SNI = 'outbound_.9080_._.details.bookinfo.svc.cluster.local';
let pki: TestPki;
let appB: TestApp;
let prober: ProbeTls;
const servers: TestAdsServer[] = [];
const details = (endpoints: Array<{ address: string; port: number }>) => ({
  name: 'details',
  namespace: 'bookinfo',
  port: 9080,
  endpoints: endpoints.map((e) => ({ ...e, tls: true })),
});

before(async () => {
  pki = await createTestPki();
  const cert = await pki.issue('cluster-1.local', 'istio-system', PROBE_SERVICE_ACCOUNT);
  prober = { certPem: cert.certPem, keyPem: cert.keyPem, rootPem: pki.root.certPem };
  appB = await startApp('details-v1', ipB, 9080);
  const [adsB, adsGw] = await Promise.all([startTestAdsServer(), startTestAdsServer()]);
  servers.push(adsB!, adsGw!);
  serveSidecarConfig(adsB!, {
    podIp: ipB,
    namespace: 'bookinfo',
    services: [],
    inbound: [{ port: 9080, service: 'details.bookinfo.svc.cluster.local', appPort: 9080 }],
  });
  const gwServices = [details([{ address: ipB, port: 15006 }])];
  adsGw!.set('cluster', cdsFor(gwServices));
  adsGw!.set('endpoint', edsFor(gwServices));
  adsGw!.set('listener', eastWestLdsFor(lbGw, gwServices));
  const base = { MB_NAMESPACE: 'bookinfo', MB_LOCALITY: 'eu-west-1/eu-west-1a/' };
  await Promise.all([
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

describe('remote-service probe through a real gateway and sidecar', () => {
  it('succeeds while the service runs, and the application sees no request', async () => {
    const before = appB.requests;
    assert.deepEqual(await probeOnce({ address: lbGw, port: 15443, sni: SNI }, prober), { ok: true });
    assert.equal(appB.requests, before, 'the probe was answered by the sidecar');
  });

  it('says GatewayUnreachable when nothing listens at the gateway address', async () => {
    const r = await probeOnce({ address: randomLoopback(), port: 15443, sni: SNI }, prober);
    assert.equal(r.ok ? '' : r.reason, 'GatewayUnreachable');
  });

  it('says RemoteServiceUnavailable when the gateway has no route or no endpoint for the service', async () => {
    const noRoute = await probeOnce(
      { address: lbGw, port: 15443, sni: 'outbound_.9080_._.reviews.bookinfo.svc.cluster.local' },
      prober,
    );
    assert.equal(noRoute.ok ? '' : noRoute.reason, 'RemoteServiceUnavailable', JSON.stringify(noRoute));
  });

  it('is refused by the sidecar for a prober outside the mesh root (RemoteServiceUnavailable, app untouched)', async () => {
    const before = appB.requests;
    const foreign = pki.bad.otherRoot;
    const r = await probeOnce(
      { address: lbGw, port: 15443, sni: SNI },
      { certPem: foreign.certPem, keyPem: foreign.keyPem, rootPem: pki.root.certPem },
    );
    assert.equal(r.ok ? '' : r.reason, 'RemoteServiceUnavailable', JSON.stringify(r));
    assert.equal(appB.requests, before);
  });

  it('says RemoteApplicationDown when the sidecar answers but its application is gone', async () => {
    await appB.close();
    const r = await probeOnce({ address: lbGw, port: 15443, sni: SNI }, prober);
    assert.equal(r.ok ? '' : r.reason, 'RemoteApplicationDown', JSON.stringify(r));
    assert.match(r.ok ? '' : r.message, /refused/);
  });
});
