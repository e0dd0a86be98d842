import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { writeWorkloadFiles } from '../../src/identity/index.js';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { ProxyProcess, TestApp } from '../support/proxies.js';
import {
  killAll,
  proxyCredential,
  randomLoopback,
  spawnProxy,
  startApp,
  TEST_PROXY_SECRET,
  viaProxy,
} from '../support/proxies.js';
import { edsFor, serveSidecarConfig } from '../support/xds-resources.js';
import { PER_TRY_IDLE_TIMEOUT_MS, RETRY_POLICY } from '../../src/mesh/translate/routes.js';

// Topology: client -> sidecar A (outbound :15001) -> mTLS -> sidecar B (inbound :15006) -> app B (:9080).
let pki: TestPki;
let adsA: TestAdsServer;
let adsB: TestAdsServer;
let sidecarA: ProxyProcess;
let sidecarB: ProxyProcess;
let appB: TestApp;
let plainApp: TestApp;
const ipA = randomLoopback();
const ipB = randomLoopback();
const ipPlain = randomLoopback();
let certDirB = '';

before(async () => {
  pki = await createTestPki();
  appB = await startApp('details-v1', ipB, 9080);
  plainApp = await startApp('ratings-plain', ipPlain, 9080);
  adsA = await startTestAdsServer();
  adsB = await startTestAdsServer();
  serveSidecarConfig(adsA, {
    podIp: ipA,
    namespace: 'bookinfo',
    services: [
      {
        name: 'details',
        namespace: 'bookinfo',
        port: 9080,
        endpoints: [{ address: ipB, port: 15006, tls: true }],
        // The mesh's default route policy (750 ms per-try idle timeout, 2 retries).
        routePolicy: { retry_policy: RETRY_POLICY },
      },
      { name: 'ratings', namespace: 'bookinfo', port: 9080, endpoints: [{ address: ipPlain, port: 9080 }] },
    ],
  });
  serveSidecarConfig(adsB, {
    podIp: ipB,
    namespace: 'bookinfo',
    services: [],
    inbound: [{ port: 9080, service: 'details.bookinfo.svc.cluster.local', appPort: 9080 }],
  });
  const env = (ip: string, pod: string, cluster: string, xds: string, certDir: string) => ({
    MB_XDS_ADDRESS: xds,
    MB_POD_IP: ip,
    MB_POD_NAME: pod,
    MB_NAMESPACE: 'bookinfo',
    MB_CLUSTER: cluster,
    MB_WORKLOAD: pod.replace(/-[^-]+$/, ''),
    MB_CERT_DIR: certDir,
    MB_LOCALITY: 'eu-west-2/eu-west-2a/',
  });
  [sidecarA, sidecarB] = await Promise.all([
    spawnProxy(
      'sidecar-main.js',
      env(
        ipA,
        'productpage-v1-abc',
        'cluster-1',
        adsA.address,
        await pki.workloadDir('cluster-1.local', 'bookinfo', 'bookinfo-productpage'),
      ),
    ),
    spawnProxy(
      'sidecar-main.js',
      env(
        ipB,
        'details-v1-xyz',
        'cluster-2',
        adsB.address,
        (certDirB = await pki.workloadDir('cluster-2.local', 'bookinfo', 'bookinfo-details')),
      ),
    ),
  ]);
});

after(async () => {
  if (process.env.DEBUG_PROXIES) console.log(sidecarA?.output(), sidecarB?.output());
  killAll();
  await Promise.all([appB?.close(), plainApp?.close(), adsA?.close(), adsB?.close()]);
});

describe('sidecar to sidecar over mTLS', () => {
  it('carries a request by short name across two trust domains and says where it was served', async () => {
    const r = await viaProxy({ host: ipA }, 'http://details:9080/details/0');
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, 'details-v1');
    assert.equal(r.headers['x-meshbridge-served-by'], 'details-v1-xyz.bookinfo@cluster-2');
  });

  it('waits for an app slower than the per-try idle timeout: one try, kept alive by the peer 102s', async () => {
    const before = appB.requests;
    const slowMs = 2 * PER_TRY_IDLE_TIMEOUT_MS;
    const started = performance.now();
    const r = await viaProxy({ host: ipA }, `http://details:9080/delay/${slowMs}`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, 'details-v1');
    assert.ok(performance.now() - started >= slowMs - 50, 'the answer, not a retry, ended the request');
    assert.equal(appB.requests - before, 1, 'the app saw one request: no try was cut and retried');
  });

  it('reaches a plaintext endpoint (no sidecar) directly', async () => {
    const r = await viaProxy({ host: ipA }, 'http://ratings.bookinfo:9080/');
    assert.equal(r.body, 'ratings-plain');
    assert.equal(r.headers['x-meshbridge-served-by'], undefined);
  });

  it('streams a large chunked body both ways with keep-alive', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const payload = Buffer.alloc(8 << 20, 7);
    for (let i = 0; i < 2; i++) {
      const r = await new Promise<{ status: number; size: number; reused: boolean }>((resolve, reject) => {
        const req = http.request(
          {
            host: ipA,
            port: 15001,
            method: 'POST',
            path: '/echo',
            headers: { host: 'details:9080', 'proxy-authorization': proxyCredential() },
            agent,
          },
          (res) => {
            let size = 0;
            res.on('data', (c: Buffer) => (size += c.length));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, size, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        // Written in pieces without Content-Length: chunked transfer encoding.
        for (let off = 0; off < payload.length; off += 1 << 20) req.write(payload.subarray(off, off + (1 << 20)));
        req.end();
      });
      assert.equal(r.status, 200);
      assert.equal(r.size, payload.length);
      if (i === 1) assert.equal(r.reused, true, 'the client connection was kept alive');
    }
    agent.destroy();
  });

  it('answers 404 for an unknown authority and 503 "no healthy upstream" when a cluster has no endpoints', async () => {
    const r = await viaProxy({ host: ipA }, 'http://nowhere:9080/');
    assert.equal(r.status, 404);
    adsA.set('endpoint', [{ cluster_name: 'outbound|9080||ratings.bookinfo.svc.cluster.local', endpoints: [] }]);
    await new Promise((res) => setTimeout(res, 300));
    const r2 = await viaProxy({ host: ipA }, 'http://ratings:9080/');
    assert.equal(r2.status, 503);
    assert.equal(r2.body, 'no healthy upstream');
  });

  it('exports Istio metrics with source and destination clusters, and dumps its config', async () => {
    const text = await get(`http://${ipA}:15020/stats/prometheus`);
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('istio_requests_total{') &&
          l.includes('response_code="200"') &&
          l.includes('destination_service="details.bookinfo.svc.cluster.local"'),
      );
    assert.ok(line, text);
    assert.match(line, /reporter="source"/);
    assert.match(line, /source_workload="productpage-v1"/);
    assert.match(line, /source_cluster="cluster-1"/);
    assert.match(line, /destination_cluster="cluster-2"/);
    const server = await get(`http://${ipB}:15020/stats/prometheus`);
    assert.match(
      server,
      /istio_requests_total\{reporter="destination",source_workload="productpage-v1",source_workload_namespace="bookinfo",source_cluster="cluster-1",destination_service="details.bookinfo.svc.cluster.local",destination_cluster="cluster-2",response_code="200"\}/,
    );
    assert.match(server, /istio_request_duration_milliseconds_bucket/);
    const dump = JSON.parse(await get(`http://${ipA}:15000/config_dump`)) as {
      configs: Record<string, { version_info: string; resources: unknown[] }>;
    };
    assert.equal(dump.configs.cluster?.resources.length, 2);
    assert.ok(dump.configs.endpoint?.version_info);
    const clusters = JSON.parse(await get(`http://${ipA}:15000/clusters`)) as Record<
      string,
      Array<{ address: string }>
    >;
    assert.equal(clusters['outbound|9080||details.bookinfo.svc.cluster.local']?.[0]?.address, `${ipB}:15006`);
  });
});

/** GETs a text; admin paths get the pod credential `/config_dump` and `/clusters` require. */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { authorization: proxyCredential() } }, (res) => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString()));
        res.on('end', () => resolve(s));
      })
      .on('error', reject);
  });
}

describe('hostile HTTP input to the outbound proxy', () => {
  /** Sends raw bytes to sidecar A and returns what came back before the connection closed (or 2 s passed). */
  const raw = (bytes: string): Promise<string> =>
    new Promise((resolve) => {
      let out = '';
      // With the pod credential, so the parser (not the credential check) is what refuses these.
      const authed = bytes.replace('\r\n', `\r\nProxy-Authorization: ${proxyCredential()}\r\n`);
      const s = net.connect({ host: ipA, port: 15001 }, () => s.write(authed));
      s.on('data', (d: Buffer) => (out += d.toString()));
      s.on('error', () => {});
      s.on('close', () => resolve(out));
      setTimeout(() => {
        s.destroy();
        resolve(out);
      }, 2000).unref();
    });

  const cases: Array<[string, string]> = [
    [
      'Transfer-Encoding together with Content-Length',
      'POST /echo HTTP/1.1\r\nHost: ratings:9080\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: ratings:9080\r\n\r\n',
    ],
    [
      'duplicate Content-Length',
      'POST /echo HTTP/1.1\r\nHost: ratings:9080\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcdGET /smuggled HTTP/1.1\r\nHost: ratings:9080\r\n\r\n',
    ],
    ['an obs-folded header', 'GET / HTTP/1.1\r\nHost: ratings:9080\r\nX-Folded: a\r\n b\r\n\r\n'],
  ];
  for (const [name, bytes] of cases) {
    it(`rejects ${name} with 400 and forwards nothing`, async () => {
      adsA.set(
        'endpoint',
        edsFor([{ name: 'ratings', namespace: 'bookinfo', port: 9080, endpoints: [{ address: ipPlain, port: 9080 }] }]),
      );
      await new Promise((res) => setTimeout(res, 200));
      const before = plainApp.requests;
      const out = await raw(bytes);
      assert.match(out, /^HTTP\/1\.1 400/);
      assert.equal(plainApp.requests, before, 'the app saw no request');
    });
  }

  it('still proxies normally afterwards', async () => {
    const r = await viaProxy({ host: ipA }, 'http://ratings:9080/');
    assert.equal(r.body, 'ratings-plain');
  });
});

describe('certificate rotation in a running sidecar', () => {
  const servedSan = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = tls.connect({
        host: ipB,
        port: 15006,
        servername: 'outbound_.9080_._.details.bookinfo.svc.cluster.local',
        rejectUnauthorized: false,
      });
      s.once('secureConnect', () => {
        resolve(s.getPeerX509Certificate()?.subjectAltName ?? '');
        s.destroy();
      });
      s.once('error', reject);
    });

  it('serves the new certificate after its files change, without a restart, and keeps carrying traffic', async () => {
    assert.equal(await servedSan(), 'URI:spiffe://cluster-2.local/ns/bookinfo/sa/bookinfo-details');
    writeWorkloadFiles(
      certDirB,
      await pki.issue('cluster-2.local', 'bookinfo', 'bookinfo-details-rotated'),
      pki.root.certPem,
    );
    let san = '';
    for (let i = 0; i < 60 && !san.endsWith('rotated'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      san = await servedSan();
    }
    assert.equal(san, 'URI:spiffe://cluster-2.local/ns/bookinfo/sa/bookinfo-details-rotated');
    const r = await viaProxy({ host: ipA }, 'http://details:9080/details/0');
    assert.equal(r.status, 200);
  });
});

describe('curl through http_proxy (how the seed walkthrough calls services)', () => {
  const curl = (args: string[]): Promise<{ code: number | null; out: string }> =>
    new Promise((resolve) => {
      const child = spawn('curl', ['-s', '-S', '--max-time', '10', ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          http_proxy: `http://test:${TEST_PROXY_SECRET}@${ipA}:15001`,
          NO_PROXY: '',
        },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });

  it('gets a page by short name', async () => {
    const r = await curl(['http://details:9080/details/0']);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, 'details-v1');
  });

  it('posts a 2 MiB body (curl sends Expect: 100-continue) and gets it echoed back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-curl-'));
    const file = join(dir, 'body.bin');
    writeFileSync(file, Buffer.alloc(2 << 20, 'a'));
    const r = await curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{size_download}',
      '--data-binary',
      `@${file}`,
      'http://details:9080/echo',
    ]);
    assert.equal(r.out, `200 ${2 << 20}`);
  });
});
