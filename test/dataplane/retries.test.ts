import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readProxyConfig } from '../../src/dataplane/config.js';
import { proxyEnv } from '../../src/xds/index.js';
import type { Sidecar } from '../../src/dataplane/sidecar.js';
import { startSidecar } from '../../src/dataplane/sidecar.js';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import { randomLoopback, TEST_PROXY_SECRET, viaProxy } from '../support/proxies.js';
import type { TestService } from '../support/xds-resources.js';
import { serveSidecarConfig } from '../support/xds-resources.js';

// The sidecar runs in this process here (unit-level behaviour of the outbound path); real peers all the same.
const ip = randomLoopback();
let ads: TestAdsServer;
let sidecar: Sidecar;
const seen: Record<string, number> = {};
const servers: Array<http.Server | net.Server> = [];

async function listen(server: http.Server | net.Server, host: string): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return (server.address() as net.AddressInfo).port;
}
function app(name: string, status: number): http.Server {
  return http.createServer((req, res) => {
    seen[`${name} ${req.method}`] = (seen[`${name} ${req.method}`] ?? 0) + 1;
    req.resume();
    req.on('end', () => {
      res.writeHead(status);
      res.end(name);
    });
  });
}
const svc = (
  name: string,
  p0: { address: string; port: number },
  p1: { address: string; port: number },
  extra: Partial<TestService> = {},
): TestService => ({
  name,
  namespace: 'bookinfo',
  port: 9080,
  retries: 2,
  endpoints: [
    { ...p0, priority: 0 },
    { ...p1, priority: 1, locality: { region: 'remote' } },
  ],
  ...extra,
});

before(async () => {
  const pki = await createTestPki();
  const host = '127.0.0.1';
  const bad = await listen(app('bad', 503), host);
  const good = await listen(app('good', 200), host);
  // A port with nothing listening: connection refused.
  const probe = net.createServer();
  const refused = await new Promise<number>((r) =>
    probe.listen(0, host, () => r((probe.address() as net.AddressInfo).port)),
  );
  probe.close();
  // Accepts and never answers (a silent failure).
  const silent = await listen(
    net.createServer(() => {}),
    host,
  );
  ads = await startTestAdsServer();
  serveSidecarConfig(ads, {
    podIp: ip,
    namespace: 'bookinfo',
    services: [
      svc('flaky', { address: host, port: bad }, { address: host, port: good }),
      svc('refusing', { address: host, port: refused }, { address: host, port: good }),
      svc(
        'silent',
        { address: host, port: silent },
        { address: host, port: silent },
        { perTryTimeoutMs: 300, timeoutMs: 1000 },
      ),
    ],
  });
  const env = proxyEnv({
    role: 'sidecar',
    xdsAddress: ads.address,
    podIp: ip,
    podName: 'client-1',
    namespace: 'bookinfo',
    serviceAccount: 'client',
    cluster: 'cluster-1',
    network: 'n1',
    locality: { region: 'r1', zone: 'z1' },
    workload: 'client',
    labels: {},
    certDir: await pki.workloadDir('cluster-1.local', 'bookinfo', 'client'),
    proxySecret: TEST_PROXY_SECRET,
  });
  sidecar = await startSidecar(readProxyConfig('sidecar', { ...env, MB_ADMIN_PORT: '0', MB_METRICS_PORT: '0' }));
  const end = Date.now() + 10_000;
  while (!sidecar.xds.isReady() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  await sidecar?.stop();
  await ads?.close();
  for (const s of servers) s.close();
});

describe('retries', () => {
  it('retries an idempotent request on another host after a 503', async () => {
    const r = await viaProxy({ host: ip }, 'http://flaky:9080/');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'good');
    assert.equal(seen['bad GET'], 1);
  });

  it('never replays a POST whose body was sent: the 503 comes back and the other host sees nothing', async () => {
    const before = seen['good POST'] ?? 0;
    const r = await viaProxy({ host: ip }, 'http://flaky:9080/', { method: 'POST', body: 'order=1' });
    assert.equal(r.status, 503);
    assert.equal(r.body, 'bad');
    assert.equal(seen['good POST'] ?? 0, before);
  });

  it('replays a POST when the first host refused the connection (nothing was sent)', async () => {
    const r = await viaProxy({ host: ip }, 'http://refusing:9080/', { method: 'POST', body: 'order=2' });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'good');
  });

  it('tries each attempt for its per-try timeout, then answers 504 "upstream request timeout" within the route timeout', async () => {
    const t0 = Date.now();
    const r = await viaProxy({ host: ip }, 'http://silent:9080/');
    const took = Date.now() - t0;
    assert.equal(r.status, 504);
    assert.equal(r.body, 'upstream request timeout');
    assert.ok(took >= 850 && took < 1500, `answered after ${took} ms`);
  });
});
