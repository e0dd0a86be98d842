/**
 * Zero-loss failover of idempotent requests with the mesh's default route policy (RETRY_POLICY of
 * src/mesh/translate/routes.ts; also with hedging on a 300 ms per-try timeout, which a route may ask for) and the generated DestinationRule's outlier detection (5 consecutive errors,
 * 100 %): a real sidecar process, three local app processes (priority 0) and a remote one (priority 1), a steady
 * open-loop load of 200 GET/s, and the local processes broken with real signals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { startOpenLoad } from '../../bench/lib/open-load.js';
import type { LoadSample } from '../../bench/lib/open-load.js';
import { RETRY_POLICY } from '../../src/mesh/translate/routes.js';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestAdsServer } from '../support/ads-server.js';
import { createTestPki } from '../support/pki.js';
import type { TestPki } from '../support/pki.js';
import type { AppProcess } from '../support/proxies.js';
import { killAll, randomLoopback, spawnApp, spawnProxy, startApp, viaProxy } from '../support/proxies.js';
import type { TestService } from '../support/xds-resources.js';
import { serveSidecarConfig } from '../support/xds-resources.js';

const RATE = 200;
const URL = 'http://details:9080/';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pki: TestPki;
const servers: TestAdsServer[] = [];
const apps: AppProcess[] = [];
before(async () => {
  pki = await createTestPki();
});
after(async () => {
  // SIGKILL ends stopped processes too.
  for (const a of apps) a.child.kill('SIGKILL');
  killAll();
  await Promise.all(servers.map((s) => s.close()));
});

/** The route policy a case runs with: the mesh's default, or hedged at 300 ms per try. */
const HEDGED = {
  retry_policy: { ...RETRY_POLICY, per_try_timeout: { seconds: 0, nanos: 300_000_000 } },
  hedge_policy: { hedge_on_per_try_timeout: true },
};

function service(
  p0: Array<{ host: string; port: number }>,
  p1: { host: string; port: number },
  routePolicy: TestService['routePolicy'] = { retry_policy: RETRY_POLICY },
): TestService {
  return {
    name: 'details',
    namespace: 'bookinfo',
    port: 9080,
    timeoutMs: 10_000,
    routePolicy,
    outlier: { consecutive5xx: 5, baseEjectionMs: 30_000, maxEjectionPercent: 100 },
    endpoints: [
      ...p0.map((a) => ({ address: a.host, port: a.port, priority: 0, locality: { region: 'eu-west-2' } })),
      { address: p1.host, port: p1.port, priority: 1, locality: { region: 'eu-remote-1' } },
    ],
  };
}

async function meshFor(
  prefix: string,
  remote?: { host: string; port: number },
  routePolicy?: TestService['routePolicy'],
) {
  const p0 = await Promise.all([1, 2, 3].map((i) => spawnApp(`${prefix}-local-${i}`, randomLoopback(), 9080)));
  apps.push(...p0);
  let p1 = remote;
  if (!p1) {
    const app = await spawnApp(`${prefix}-remote`, randomLoopback(), 9080);
    apps.push(app);
    p1 = app;
  }
  const ads = await startTestAdsServer();
  servers.push(ads);
  const ip = randomLoopback();
  serveSidecarConfig(ads, { podIp: ip, namespace: 'bookinfo', services: [service(p0, p1, routePolicy)] });
  await spawnProxy('sidecar-main.js', {
    MB_XDS_ADDRESS: ads.address,
    MB_POD_IP: ip,
    MB_POD_NAME: 'productpage-v1-x',
    MB_NAMESPACE: 'bookinfo',
    MB_CLUSTER: 'cluster-1',
    MB_CERT_DIR: await pki.workloadDir('cluster-1.local', 'bookinfo', 'bookinfo-productpage'),
  });
  const first = await viaProxy({ host: ip }, URL);
  assert.match(first.body, new RegExp(`^${prefix}-local-`), 'local pods answer before the break');
  return { p0, ip };
}

/** Runs 200 GET/s for 1 s, breaks the local pods, keeps the load 3 s more; returns the samples and break time. */
async function underLoad(ip: string, breakLocal: () => Promise<void> | void) {
  const load = startOpenLoad({
    proxyHost: ip,
    url: URL,
    ratePerSecond: RATE,
    clientTimeoutMs: 12_000,
    maxDurationMs: 8000,
  });
  let samples: LoadSample[];
  let brokeAt = NaN;
  try {
    await sleep(1000);
    brokeAt = performance.now();
    await breakLocal();
    await sleep(3000);
  } finally {
    samples = await load.stop();
  }
  return { samples, brokeAt };
}

function failures(samples: LoadSample[]): string {
  const byReason = new Map<string, number>();
  for (const s of samples.filter((x) => x.status !== 200)) {
    const k = `${s.status} ${s.body.slice(0, 80)}`;
    byReason.set(k, (byReason.get(k) ?? 0) + 1);
  }
  return [...byReason].map(([k, n]) => `${n} x ${k}`).join('; ');
}

const firstRemote = (samples: LoadSample[], from: number, remote: string): number =>
  Math.min(...samples.filter((s) => s.status === 200 && s.body === remote && s.doneAt >= from).map((s) => s.doneAt)) -
  from;

/**
 * Prints the time from the break to the first remote answer. How fast is the bench's to measure (failover rows);
 * here it only has to be far below the 10 s route timeout, which shows the retries or hedges moved the requests,
 * not the route timeout.
 */
function reportTime(t: TestContext, what: string, ms: number): void {
  t.diagnostic(`${what}: first remote answer ${ms.toFixed(0)} ms after the break`);
  assert.ok(ms < 5000, `${what}: first remote answer ${ms.toFixed(0)} ms after the break`);
}

describe('zero-loss failover of GETs with the mesh default retry policy', () => {
  it('loses 0 of 200 GET/s when every local pod is killed -9 (retries leave the dead level)', async (t) => {
    const { p0, ip } = await meshFor('kill');
    const { samples, brokeAt } = await underLoad(ip, () =>
      Promise.all(p0.map((a) => a.kill('SIGKILL'))).then(() => {}),
    );
    assert.ok(samples.length >= 750, `load ran: ${samples.length} requests`);
    assert.equal(samples.filter((s) => s.status !== 200).length, 0, failures(samples));
    reportTime(t, 'kill', firstRemote(samples, brokeAt, 'kill-remote'));
  });

  it('loses 0 of 200 GET/s when every local pod is SIGSTOPped (the per-try timeout moves them on)', async (t) => {
    const { p0, ip } = await meshFor('stop');
    const { samples, brokeAt } = await underLoad(ip, () => {
      for (const a of p0) a.child.kill('SIGSTOP');
    });
    assert.ok(samples.length >= 750, `load ran: ${samples.length} requests`);
    assert.equal(samples.filter((s) => s.status !== 200).length, 0, failures(samples));
    reportTime(t, 'stop', firstRemote(samples, brokeAt, 'stop-remote'));
  });

  it('loses 0 of 200 GET/s when every local pod is SIGSTOPped, with tries hedged at 300 ms', async (t) => {
    const { p0, ip } = await meshFor('hedge', undefined, HEDGED);
    const { samples, brokeAt } = await underLoad(ip, () => {
      for (const a of p0) a.child.kill('SIGSTOP');
    });
    assert.ok(samples.length >= 750, `load ran: ${samples.length} requests`);
    assert.equal(samples.filter((s) => s.status !== 200).length, 0, failures(samples));
    reportTime(t, 'hedged stop', firstRemote(samples, brokeAt, 'hedge-remote'));
  });

  it('never hedges or retries a POST whose body reached a silent backend: 504, and no other host sees it', async () => {
    const remote = await startApp('post-remote', randomLoopback(), 9080);
    try {
      const { p0, ip } = await meshFor('post', remote, HEDGED);
      for (const a of p0) a.child.kill('SIGSTOP');
      const before = remote.requests;
      const r = await viaProxy({ host: ip }, URL, { method: 'POST', body: 'order=1', timeoutMs: 15_000 });
      assert.equal(r.status, 504, r.body);
      assert.equal(remote.requests, before, 'the POST was not sent anywhere else');
    } finally {
      await remote.close();
    }
  });
});
