// The gateway never dials its own addresses, checked at dial time: even when its configuration routes an SNI to
// its own load-balancer address, its pod IP or the unspecified address (a stale or wrong config: the control plane
// itself never routes there), one client connection stays one connection and no application receives a byte.
// Measured against the real gateway process fed by an xDS server that serves exactly that configuration.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { resolveImage } from '../../src/local/images/index.js';
import { bytesByApp, readCountersIn, settleCounters } from '../support/app-counters.js';
import { startTestAdsServer, type TestAdsServer } from '../support/ads-server.js';
import { killAll, randomLoopback, spawnProxy } from '../support/proxies.js';
import { cdsFor, eastWestLdsFor, edsFor, type TestService } from '../support/xds-resources.js';
import { ensureImagesBuilt, startPod, type Pod } from '../images/support.js';
import { gatewayConnections, total } from './gateway-probes.js';
import { sni } from './gateway-stand.js';

const lb = randomLoopback();
// A load-balancer address the gateway does not listen on but is reached at (a local cluster's L4 load balancer).
const external = randomLoopback();
const gatewayIp = randomLoopback();
const appIp = randomLoopback();
let ads: TestAdsServer;
let app: Pod;

const svc = (name: string, endpoints: TestService['endpoints'], port = 9080): TestService => ({
  name,
  namespace: 'bookinfo',
  port,
  endpoints,
});
// The only honest route: details, straight to its app (plaintext is enough to see bytes arrive).
const details = svc('details', [{ address: appIp, port: 9080 }]);
const loops = {
  'its own load-balancer address': svc('loop-lb', [{ address: lb, port: 15443 }], 15443),
  'its own pod IP': svc('loop-pod', [{ address: gatewayIp, port: 15443 }], 15443),
  'the unspecified address 0.0.0.0': svc('loop-any', [{ address: '0.0.0.0', port: 15443 }], 15443),
  'a load-balancer address it is reached at (MB_GATEWAY_EXTERNAL_ADDRESSES)': svc(
    'loop-external',
    [{ address: external, port: 15443 }],
    15443,
  ),
  'its load-balancer address written as IPv4-mapped IPv6': svc(
    'loop-mapped',
    [{ address: `::ffff:${lb}`, port: 15443 }],
    15443,
  ),
};

before(async () => {
  ensureImagesBuilt();
  const image = resolveImage('docker.io/istio/examples-bookinfo-details-v1:1.20.1');
  if (!image.ok) throw new Error(image.reason);
  app = await startPod(image.entry, { POD_IP: appIp, POD_NAME: 'details-v1-0', POD_NAMESPACE: 'bookinfo' });
  const started = await startTestAdsServer();
  if (!started) throw new Error('test xDS server did not start');
  ads = started;
  const services = [details, ...Object.values(loops)];
  ads.set('cluster', cdsFor(services));
  ads.set('endpoint', edsFor(services));
  ads.set('listener', eastWestLdsFor(lb, services));
  await spawnProxy(
    'gateway-main.js',
    {
      MB_XDS_ADDRESS: ads.address,
      MB_POD_IP: gatewayIp,
      MB_POD_NAME: 'eastwest-gateway-0',
      MB_NAMESPACE: 'bookinfo',
      MB_CLUSTER: 'cluster-2',
      MB_LOCALITY: 'eu-west-1/eu-west-1a/',
      MB_NODE_ID: `router~${gatewayIp}~eastwest-gateway-0.bookinfo~bookinfo.svc.cluster.local`,
      MB_GATEWAY_ADDRESSES: lb,
      MB_GATEWAY_EXTERNAL_ADDRESSES: external,
      MB_CERT_DIR: '',
    },
    60_000,
  );
});

after(async () => {
  killAll();
  await app?.stop();
  await ads?.close();
});

/** Opens TLS with `servername` through the gateway; resolves when it closes. */
function connectTls(servername: string): Promise<{ secure: boolean; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let secure = false;
    const s = tls.connect({ host: lb, port: 15443, servername, checkServerIdentity: () => undefined });
    s.on('secureConnect', () => (secure = true));
    s.on('error', () => {});
    s.on('close', () => resolve({ secure, closedAfterMs: Date.now() - t0 }));
    setTimeout(() => s.destroy(), 8000).unref();
  });
}

const appBytes = async (): Promise<Record<string, number>> => {
  await settleCounters();
  return bytesByApp(readCountersIn(app.dir));
};

describe('the gateway never dials itself', () => {
  it('positive control: the routed service receives the bytes (the configuration is live)', async () => {
    const before = await appBytes();
    const r = await connectTls(sni('details.bookinfo.svc.cluster.local'));
    assert.equal(r.secure, false, 'the app speaks plaintext, so no handshake completes');
    const after = await appBytes();
    const file = Object.keys(after)[0] ?? '';
    assert.ok((after[file] ?? 0) > (before[file] ?? 0), 'the app received the ClientHello');
  });

  for (const [name, service] of Object.entries(loops)) {
    it(`refuses a route to ${name}: one connection, closed, 0 bytes at the app`, async (t) => {
      const connectionsBefore = total(await gatewayConnections(gatewayIp));
      const bytesBefore = await appBytes();
      const r = await connectTls(sni(`${service.name}.bookinfo.svc.cluster.local`, service.port));
      assert.equal(r.secure, false);
      assert.ok(r.closedAfterMs < 3000, `closed after ${r.closedAfterMs} ms`);
      // Give a loop time to show: each pass-through to itself would be one more connection handled.
      await new Promise((res) => setTimeout(res, 1000));
      const byOutcome = await gatewayConnections(gatewayIp);
      assert.equal(total(byOutcome) - connectionsBefore, 1, `connections handled: ${JSON.stringify(byOutcome)}`);
      assert.ok((byOutcome['self_dial'] ?? 0) >= 1, JSON.stringify(byOutcome));
      assert.deepEqual(await appBytes(), bytesBefore, 'no application received a byte');
      t.diagnostic(
        `closed after ${r.closedAfterMs} ms; connections handled +${total(byOutcome) - connectionsBefore}; 0 bytes at the app`,
      );
    });
  }

  it('still forwards the routed service after the refusals', async () => {
    const before = await appBytes();
    await connectTls(sni('details.bookinfo.svc.cluster.local'));
    const after = await appBytes();
    const file = Object.keys(after)[0] ?? '';
    assert.ok((after[file] ?? 0) > (before[file] ?? 0));
  });
});
