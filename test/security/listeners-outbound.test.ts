/**
 * Listeners, outbound proxy: pods share the host's network, so any local user (or a web page, through DNS
 * rebinding) can reach a sidecar's `<podIP>:15001`. Without the pod's credential a request must get 407 before
 * routing: nothing leaves with the pod's workload certificate, and no application (local, remote behind another
 * sidecar, or behind an East-West gateway) receives a byte.
 *
 * Topology: client -> sidecar A (real process, outbound :15001)
 *   `details` -> mTLS -> sidecar B (real process, inbound :15006) -> counting app;
 *   `ratings` -> counting plaintext app;  `reviews` -> a counting TCP listener standing where a gateway's :15443 is.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TestAdsServer } from '../support/ads-server.js';
import { startTestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import type { ProxyProcess } from '../support/proxies.js';
import {
  assertDistFresh,
  killAll,
  proxyCredential,
  randomLoopback,
  spawnProxy,
  TEST_PROXY_SECRET,
  viaProxy,
} from '../support/proxies.js';
import { serveSidecarConfig } from '../support/xds-resources.js';

/** An HTTP app that counts every byte its sockets receive and keeps the headers of each request. */
interface CountingApp {
  bytes: number;
  requests: http.IncomingHttpHeaders[];
  server: http.Server;
}

async function countingApp(host: string, port: number, name: string): Promise<CountingApp> {
  const app: CountingApp = {
    bytes: 0,
    requests: [],
    server: http.createServer((req, res) => {
      app.requests.push(req.headers);
      req.resume();
      req.on('end', () => res.end(name));
    }),
  };
  app.server.on('connection', (s) => s.on('data', (d: Buffer) => (app.bytes += d.length)));
  await new Promise<void>((r) => app.server.listen(port, host, () => r()));
  return app;
}

/** A TCP listener where a gateway would be: counts connections and bytes, answers nothing. */
interface CountingListener {
  connections: number;
  bytes: number;
  server: net.Server;
}

async function countingListener(host: string, port: number): Promise<CountingListener> {
  const l: CountingListener = {
    connections: 0,
    bytes: 0,
    server: net.createServer((s) => {
      l.connections++;
      s.on('data', (d: Buffer) => (l.bytes += d.length));
      s.on('error', () => {});
      setTimeout(() => s.destroy(), 200).unref();
    }),
  };
  await new Promise<void>((r) => l.server.listen(port, host, () => r()));
  return l;
}

const ipA = randomLoopback();
const ipB = randomLoopback();
const ipPlain = randomLoopback();
const ipGateway = randomLoopback();
let adsA: TestAdsServer;
let adsB: TestAdsServer;
let sidecarA: ProxyProcess;
let details: CountingApp;
let ratings: CountingApp;
let gateway: CountingListener;

before(async () => {
  const pki = await createTestPki();
  details = await countingApp(ipB, 9080, 'details-v1');
  ratings = await countingApp(ipPlain, 9080, 'ratings-v1');
  gateway = await countingListener(ipGateway, 15443);
  [adsA, adsB] = await Promise.all([startTestAdsServer(), startTestAdsServer()]);
  serveSidecarConfig(adsA, {
    podIp: ipA,
    namespace: 'bookinfo',
    services: [
      { name: 'details', namespace: 'bookinfo', port: 9080, endpoints: [{ address: ipB, port: 15006, tls: true }] },
      { name: 'ratings', namespace: 'bookinfo', port: 9080, endpoints: [{ address: ipPlain, port: 9080 }] },
      {
        name: 'reviews',
        namespace: 'bookinfo',
        port: 9080,
        endpoints: [{ address: ipGateway, port: 15443, tls: true }],
      },
    ],
  });
  serveSidecarConfig(adsB, {
    podIp: ipB,
    namespace: 'bookinfo',
    services: [],
    inbound: [{ port: 9080, service: 'details.bookinfo.svc.cluster.local', appPort: 9080 }],
  });
  const env = (ip: string, pod: string, xds: string, certDir: string) => ({
    MB_XDS_ADDRESS: xds,
    MB_POD_IP: ip,
    MB_POD_NAME: pod,
    MB_NAMESPACE: 'bookinfo',
    MB_CLUSTER: 'cluster-1',
    MB_CERT_DIR: certDir,
    MB_PROXY_SECRET: TEST_PROXY_SECRET,
  });
  [sidecarA] = await Promise.all([
    spawnProxy(
      'sidecar-main.js',
      env(ipA, 'productpage-v1-a', adsA.address, await pki.workloadDir('cluster-1.local', 'bookinfo', 'productpage')),
    ),
    spawnProxy(
      'sidecar-main.js',
      env(ipB, 'details-v1-b', adsB.address, await pki.workloadDir('cluster-2.local', 'bookinfo', 'bookinfo-details')),
    ),
  ]);
});

after(async () => {
  killAll();
  details?.server.closeAllConnections();
  ratings?.server.closeAllConnections();
  await Promise.all([
    adsA?.close(),
    adsB?.close(),
    new Promise((r) => details?.server.close(r)),
    new Promise((r) => ratings?.server.close(r)),
    new Promise((r) => gateway?.server.close(r)),
  ]);
});

/** Bytes and connections every application behind the proxy has received so far. */
const reached = () => ({
  details: details.bytes,
  ratings: ratings.bytes,
  gatewayConnections: gateway.connections,
  gatewayBytes: gateway.bytes,
});

/** Sends raw bytes to sidecar A's outbound port; resolves with everything received until close (or 3 s). */
function raw(bytes: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const s = net.connect({ host: ipA, port: 15001 }, () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false });
    }, 3000);
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

const basic = (secret: string): string => `Basic ${Buffer.from(`productpage-v1-a:${secret}`).toString('base64')}`;

/** Asserts a 407 with the Basic challenge and that no application received anything meanwhile. */
async function assertRefused(send: () => Promise<{ status: number; headers: Record<string, unknown> }>) {
  const before = reached();
  const r = await send();
  assert.equal(r.status, 407);
  assert.equal(r.headers['proxy-authenticate'], 'Basic realm="meshbridge-sidecar"');
  // Give a wrongly forwarded request time to land before counting.
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(reached(), before, '0 bytes reached any application');
}

const TARGETS = ['http://details.bookinfo:9080/', 'http://ratings:9080/', 'http://reviews:9080/'];

describe('listeners: the outbound proxy refuses requests without the pod credential', () => {
  for (const target of TARGETS) {
    it(`no credential, to ${target}: 407, 0 bytes to any app`, async () => {
      await assertRefused(() => viaProxy({ host: ipA }, target, { credential: null }));
    });
  }

  it('a wrong secret: 407, 0 bytes', async () => {
    await assertRefused(() => viaProxy({ host: ipA }, TARGETS[0]!, { credential: basic('x'.repeat(43)) }));
  });

  it('the right secret with one character missing: 407, 0 bytes', async () => {
    await assertRefused(() =>
      viaProxy({ host: ipA }, TARGETS[0]!, { credential: basic(TEST_PROXY_SECRET.slice(0, -1)) }),
    );
  });

  it('the right secret under another scheme (Bearer): 407, 0 bytes', async () => {
    await assertRefused(() => viaProxy({ host: ipA }, TARGETS[0]!, { credential: `Bearer ${TEST_PROXY_SECRET}` }));
  });

  it('a 2 KiB Proxy-Authorization: 407 unparsed, 0 bytes', async () => {
    await assertRefused(() => viaProxy({ host: ipA }, TARGETS[0]!, { credential: `Basic ${'QUFB'.repeat(512)}` }));
  });

  it('the credential in Authorization instead of Proxy-Authorization: 407, 0 bytes', async () => {
    await assertRefused(
      () =>
        new Promise((resolve, reject) => {
          const req = http.request(
            {
              host: ipA,
              port: 15001,
              path: TARGETS[1],
              headers: { host: 'ratings:9080', authorization: proxyCredential() },
            },
            (res) => {
              res.resume();
              resolve({ status: res.statusCode ?? 0, headers: res.headers });
            },
          );
          req.on('error', reject);
          req.end();
        }),
    );
  });

  it('a POST body without credential: 407, the body goes nowhere', async () => {
    await assertRefused(() =>
      viaProxy({ host: ipA }, TARGETS[1]!, { method: 'POST', body: 'secret-order'.repeat(1000), credential: null }),
    );
  });

  it('origin-form with a Host header and no credential (what a rebinding page sends): 407, 0 bytes', async () => {
    const before = reached();
    const r = await raw('GET / HTTP/1.1\r\nHost: ratings:9080\r\nConnection: close\r\n\r\n');
    assert.match(r.text, /^HTTP\/1\.1 407 /);
    assert.match(r.text, /proxy-authenticate: Basic realm="meshbridge-sidecar"/i);
    await new Promise((res) => setTimeout(res, 300));
    assert.deepEqual(reached(), before);
  });

  it('a wrong credential followed by the right one in a second header: 407 (the first counts), 0 bytes', async () => {
    const before = reached();
    const r = await raw(
      `GET http://ratings:9080/ HTTP/1.1\r\nHost: ratings:9080\r\nProxy-Authorization: ${basic('y'.repeat(43))}\r\n` +
        `Proxy-Authorization: ${proxyCredential()}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(r.text, /^HTTP\/1\.1 407 /);
    await new Promise((res) => setTimeout(res, 300));
    assert.deepEqual(reached(), before);
  });

  it('a request without credential pipelined after an authorized one on the same connection: 200 then 407', async () => {
    const before = reached();
    const seen = ratings.requests.length;
    const r = await raw(
      `GET http://ratings:9080/first HTTP/1.1\r\nHost: ratings:9080\r\nProxy-Authorization: ${proxyCredential()}\r\n\r\n` +
        'GET http://ratings:9080/second HTTP/1.1\r\nHost: ratings:9080\r\n\r\n',
    );
    const statuses = [...r.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['200', '407']);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(ratings.requests.length, seen + 1, 'the app saw the first request only');
    const last = ratings.requests.at(-1)!;
    assert.equal(last['proxy-authorization'], undefined);
    assert.equal(details.bytes, before.details);
    assert.equal(gateway.connections, before.gatewayConnections);
  });

  it('CONNECT (a tunnel) is closed without an answer, with or without credential, 0 bytes', async () => {
    const before = reached();
    for (const auth of ['', `Proxy-Authorization: ${proxyCredential()}\r\n`]) {
      const r = await raw(`CONNECT ${ipPlain}:9080 HTTP/1.1\r\nHost: ${ipPlain}:9080\r\n${auth}\r\n`);
      assert.equal(r.closed, true);
      assert.doesNotMatch(r.text, /^HTTP\/1\.1 2/);
    }
    await new Promise((res) => setTimeout(res, 300));
    assert.deepEqual(reached(), before);
  });

  it('a sidecar without MB_PROXY_SECRET refuses to start and opens no port', async () => {
    const ip = randomLoopback();
    const child = spawn(process.execPath, [assertDistFresh('dataplane/sidecar-main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        MB_XDS_ADDRESS: adsA.address,
        MB_POD_IP: ip,
        MB_POD_NAME: 'p',
        MB_NAMESPACE: 'bookinfo',
        MB_CLUSTER: 'cluster-1',
        MB_CERT_DIR: '/nonexistent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 1);
    assert.match(out, /MB0901.*MB_PROXY_SECRET is required/);
    const refused = await new Promise<boolean>((r) => {
      const s = net.connect({ host: ip, port: 15001 });
      s.on('connect', () => (s.destroy(), r(false)));
      s.on('error', () => r(true));
    });
    assert.ok(refused, 'nothing listens on 15001');
  });

  it('positive control: with the credential, details is served over mTLS and the credential stays behind', async () => {
    const before = details.requests.length;
    const r = await viaProxy({ host: ipA }, TARGETS[0]!);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'details-v1');
    assert.equal(details.requests.length, before + 1);
    assert.equal(details.requests.at(-1)!['proxy-authorization'], undefined, 'never forwarded upstream');
    assert.ok(!sidecarA.output().includes(TEST_PROXY_SECRET), 'the secret is not in the logs');
  });

  it('positive control: with the credential, the sidecar dials the remote gateway address', async () => {
    const before = gateway.connections;
    const r = await viaProxy({ host: ipA }, TARGETS[2]!);
    assert.ok(r.status >= 500, `the stand-in gateway answers nothing: ${r.status}`);
    assert.ok(gateway.connections > before, 'a connection reached the gateway address');
  });
});

/** GETs a path of sidecar A's admin port with optional `authorization`. */
function admin(path: string, authorization?: string): Promise<{ status: number; body: string; challenge?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ipA, port: 15000, path, headers: authorization ? { authorization } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, challenge: res.headers['www-authenticate'] }));
    });
    req.on('error', reject);
  });
}

describe("listeners: the sidecar admin port shows the proxy's config only with the pod credential", () => {
  for (const path of ['/config_dump', '/clusters', '/config_dump?include_eds']) {
    it(`${path} without credential: 401, no config in the answer`, async () => {
      const r = await admin(path);
      assert.equal(r.status, 401);
      assert.equal(r.challenge, 'Basic realm="meshbridge-sidecar-admin"');
      assert.doesNotMatch(r.body, /bookinfo|outbound\|/);
    });
  }

  it('/config_dump with a wrong secret: 401, no config', async () => {
    const r = await admin('/config_dump', basic('z'.repeat(43)));
    assert.equal(r.status, 401);
    assert.doesNotMatch(r.body, /bookinfo|outbound\|/);
  });

  it('/config_dump with the credential as Proxy-Authorization-style Bearer: 401, no config', async () => {
    const r = await admin('/config_dump', `Bearer ${TEST_PROXY_SECRET}`);
    assert.equal(r.status, 401);
    assert.doesNotMatch(r.body, /bookinfo|outbound\|/);
  });

  it('positive control: with the pod credential /config_dump and /clusters answer; /ready needs none', async () => {
    const dump = await admin('/config_dump', proxyCredential());
    assert.equal(dump.status, 200);
    assert.match(dump.body, /outbound\|9080\|\|details\.bookinfo\.svc\.cluster\.local/);
    assert.equal((await admin('/clusters', proxyCredential())).status, 200);
    assert.equal((await admin('/ready')).status, 200);
  });
});
