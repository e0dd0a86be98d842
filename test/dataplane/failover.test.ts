import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { REPO_ROOT } from '../support/paths.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { AppProcess } from '../support/proxies.js';
import {
  killAll,
  proxyCredential,
  randomLoopback,
  spawnApp,
  spawnProxy,
  startLoad,
  viaProxy,
} from '../support/proxies.js';
import type { TestService } from '../support/xds-resources.js';
import { cdsFor, edsFor, ldsFor, rdsFor, serveSidecarConfig } from '../support/xds-resources.js';

let pki: TestPki;
const inProcess: TestAdsServer[] = [];
const adsChildren = new Set<ChildProcess>();
before(async () => {
  pki = await createTestPki();
});
after(async () => {
  killAll();
  for (const c of adsChildren) c.kill('SIGKILL');
  await Promise.all(inProcess.map((s) => s.close()));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** GETs JSON from a sidecar's admin port, with the pod credential `/config_dump` requires. */
const getJson = (url: string): Promise<unknown> =>
  new Promise((resolve, reject) =>
    http
      .get(url, { headers: { authorization: proxyCredential() } }, (res) => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString()));
        res.on('end', () => resolve(JSON.parse(s)));
      })
      .on('error', reject),
  );

/** Three local pods (P0) and one remote endpoint (P1), each its own process. */
async function topology(prefix: string) {
  const p0 = await Promise.all([1, 2, 3].map((i) => spawnApp(`${prefix}-local-${i}`, randomLoopback(), 9080)));
  const p1 = await spawnApp(`${prefix}-remote`, randomLoopback(), 9080);
  return { p0, p1 };
}

function detailsService(p0: AppProcess[], p1: AppProcess, baseEjectionMs: number): TestService {
  return {
    name: 'details',
    namespace: 'bookinfo',
    port: 9080,
    retries: 3,
    perTryTimeoutMs: 2000,
    outlier: { consecutive5xx: 1, baseEjectionMs, maxEjectionPercent: 100 },
    endpoints: [
      ...p0.map((a) => ({
        address: a.host,
        port: a.port,
        priority: 0,
        locality: { region: 'eu-west-2', zone: 'eu-west-2a' },
      })),
      { address: p1.host, port: p1.port, priority: 1, locality: { region: 'eu-remote-1' } },
    ],
  };
}

async function sidecarFor(ip: string, xds: string) {
  return spawnProxy('sidecar-main.js', {
    MB_XDS_ADDRESS: xds,
    MB_POD_IP: ip,
    MB_POD_NAME: 'productpage-v1-x',
    MB_NAMESPACE: 'bookinfo',
    MB_CLUSTER: 'cluster-1',
    MB_CERT_DIR: await pki.workloadDir('cluster-1.local', 'bookinfo', 'bookinfo-productpage'),
  });
}

describe('priority failover at the data plane', () => {
  it('with 1 of 3 local pods killed, splits traffic by the 1.4 rule (93.3 % local) within ±3 %', async () => {
    const { p0, p1 } = await topology('split');
    const ads = await startTestAdsServer();
    inProcess.push(ads);
    const ip = randomLoopback();
    serveSidecarConfig(ads, { podIp: ip, namespace: 'bookinfo', services: [detailsService(p0, p1, 60_000)] });
    await sidecarFor(ip, ads.address);
    await p0[0]!.kill('SIGKILL');
    // Until outlier detection ejects the dead pod (consecutive errors 1: the first failed attempt).
    for (let i = 0; i < 6; i++) assert.equal((await viaProxy({ host: ip }, 'http://details:9080/')).status, 200);
    const counts: Record<string, number> = {};
    const N = 900;
    for (let i = 0; i < N; i++) {
      const r = await viaProxy({ host: ip }, 'http://details:9080/');
      assert.equal(r.status, 200);
      counts[r.body] = (counts[r.body] ?? 0) + 1;
    }
    const remoteShare = ((counts['split-remote'] ?? 0) / N) * 100;
    const expected = 100 - 140 * (2 / 3);
    assert.ok(
      Math.abs(remoteShare - expected) <= 3,
      `remote share ${remoteShare.toFixed(1)} % vs ${expected.toFixed(1)} %`,
    );
    assert.equal(counts['split-local-1'], undefined, 'the dead pod gets nothing');
    assert.ok((counts['split-local-2'] ?? 0) > 0 && (counts['split-local-3'] ?? 0) > 0);
  });
});

/** Runs the test ADS server as its own process (so it can be killed -9). */
async function spawnAds(
  port: number,
  resources: Record<string, unknown>,
): Promise<{ child: ChildProcess; address: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'mb-ads-')), 'resources.json');
  writeFileSync(file, JSON.stringify(resources));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'test/support/ads-server-main.ts'), '127.0.0.1', String(port), file],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: REPO_ROOT,
    },
  );
  adsChildren.add(child);
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`ads exited ${code}`)));
  });
  return { child, address };
}

const killed = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });

describe('hard failure, failback and control plane loss under load', () => {
  it('fails over to P1 when every P0 pod is killed -9, returns when they are back, with 0 failed requests', async () => {
    const { p0, p1 } = await topology('hard');
    const ip = randomLoopback();
    const svc = detailsService(p0, p1, 1000);
    const resources = {
      cluster: cdsFor([svc]),
      endpoint: edsFor([svc]),
      route: rdsFor([svc], 'bookinfo'),
      listener: ldsFor(ip),
    };
    const ads = await spawnAds(0, resources);
    await sidecarFor(ip, ads.address);
    const url = 'http://details:9080/';

    const load = startLoad({ host: ip }, url, 4);
    await sleep(500);
    await Promise.all(p0.map((a) => a.kill('SIGKILL')));
    await sleep(2000);
    const during = await load.stop();
    assert.equal(during.failed, 0, during.failures.slice(0, 5).join('\n'));
    const tail = await Promise.all(Array.from({ length: 20 }, () => viaProxy({ host: ip }, url)));
    assert.ok(
      tail.every((r) => r.status === 200 && r.body === 'hard-remote'),
      'all traffic on P1 while P0 is dead',
    );

    // Failback: the pods return on the same addresses; ejections expire and P0 takes traffic again.
    const load2 = startLoad({ host: ip }, url, 2);
    const back = await Promise.all(p0.map((a, i) => spawnApp(`hard-local-${i + 1}`, a.host, a.port)));
    await sleep(6000);
    const after = await load2.stop();
    assert.equal(after.failed, 0, after.failures.slice(0, 5).join('\n'));
    const final: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const r = await viaProxy({ host: ip }, url);
      final[r.body] = (final[r.body] ?? 0) + 1;
    }
    assert.equal(final['hard-remote'], undefined, `traffic is back on P0: ${JSON.stringify(final)}`);
    await Promise.all(back.map((a) => a.kill()));
    await killed(ads.child);
  });

  it('keeps serving with 0 failed requests when the control plane is killed, and keeps the old config on a NACK', async () => {
    const { p0, p1 } = await topology('cp');
    const ip = randomLoopback();
    const svc = detailsService(p0, p1, 1000);
    const resources = {
      cluster: cdsFor([svc]),
      endpoint: edsFor([svc]),
      route: rdsFor([svc], 'bookinfo'),
      listener: ldsFor(ip),
    };
    const ads = await spawnAds(0, resources);
    const port = Number(ads.address.split(':')[1]);
    await sidecarFor(ip, ads.address);
    const load = startLoad({ host: ip }, 'http://details:9080/', 4);
    await sleep(300);
    await killed(ads.child);
    await sleep(1500);
    const dumpDown = (await getJson(`http://${ip}:15000/config_dump`)) as { connected: boolean };
    assert.equal(dumpDown.connected, false);
    // The control plane comes back, serving an invalid endpoint update (a priority gap): NACKed, old config kept.
    const invalid = edsFor([
      { ...svc, endpoints: svc.endpoints.map((e) => ({ ...e, priority: (e.priority ?? 0) * 2 })) },
    ]);
    await spawnAds(port, { ...resources, endpoint: invalid });
    let dump:
      | { connected: boolean; configs: { endpoint: { last_rejected?: { error: string }; resources: unknown[] } } }
      | undefined;
    for (let i = 0; i < 100; i++) {
      dump = (await getJson(`http://${ip}:15000/config_dump`)) as typeof dump;
      if (dump?.connected && dump.configs.endpoint.last_rejected) break;
      await sleep(100);
    }
    await sleep(500);
    const stats = await load.stop();
    assert.equal(stats.failed, 0, stats.failures.slice(0, 5).join('\n'));
    assert.ok(stats.ok > 50, `requests served: ${stats.ok}`);
    assert.equal(dump?.connected, true);
    assert.match(dump?.configs.endpoint.last_rejected?.error ?? '', /contiguous/);
    assert.equal(dump?.configs.endpoint.resources.length, 1, 'the last good endpoints stay');
    const r = await viaProxy({ host: ip }, 'http://details:9080/');
    assert.match(r.body, /^cp-local-/);
  });
});
