/**
 * The web UI of `local up` in a real Chromium, on two local clusters running bookinfo with the mesh: the seed's
 * steps 1, 3 and 4 (bookinfo in both clusters, the East-West gateway, the workspace and its East-West setting)
 * run through the walkthrough driver, then the page served by the local management plane shows real sidecar
 * traffic, the clusters, failover when details-v1 is scaled to 0 under load, and a reachability edit that the
 * real federation controller turns into removed WorkloadEntries. Screenshots go to test-artifacts/ui-e2e/.
 * MESHBRIDGE_KEEP_HOME=1 keeps the clusters' state and logs for a post-mortem.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, requireBrowserAndUi, spkiPinOf, type Browser } from './browser.js';
import { Runner } from '../../src/demo/runner.js';
import { C1, C2, Walkthrough } from '../../src/demo/walkthrough.js';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import { get } from '../images/support.js';

requireBrowserAndUi();

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'ui-e2e');
const DETAILS = 'details.bookinfo.svc.cluster.local';
const edgeRow = (dstCluster: string): string => `tr[data-edge-id="productpage-v1|${C1}|${DETAILS}|${dstCluster}"]`;

const home = mkdtempSync(join(tmpdir(), 'mb-ui-e2e-'));
// The clusters' pods and gateways take loopback blocks 127.<base+k>.*: a random base keeps this suite clear of
// other local clusters on the machine (the CLI processes the walkthrough runs inherit it).
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(150 + Math.floor(Math.random() * 90));
const lines: string[] = [];
let browser: Browser | undefined;
let page: Page;
let load: NodeJS.Timeout | undefined;
let loading = false;

function kubectl(ctx: string, ...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', join(home, 'kubeconfig'), '--context', ctx, ...args], {
    encoding: 'utf8',
  });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const walk = new Walkthrough({ home, examples: EXAMPLES, print: (l) => lines.push(l) });
  for (const [name, step] of walk.steps()) {
    if (!/^[134]\./.test(name)) continue;
    try {
      await step();
    } catch (err) {
      process.stderr.write(lines.slice(-40).join('\n') + '\n');
      throw err;
    }
  }
  // Constant load on productpage in cluster-1 (straight to the app; its sidecar carries the calls to details).
  const ip = kubectl(
    C1,
    'get',
    'pods',
    '-n',
    'bookinfo',
    '-l',
    'app=productpage',
    '-o',
    'jsonpath={.items[0].status.podIP}',
  );
  assert.match(ip, /^127\.\d+\.\d+\.\d+$/);
  loading = true;
  const tick = (): void => {
    void get(`http://${ip}:9080/productpage`)
      .catch(() => undefined)
      .finally(() => {
        if (loading) load = setTimeout(tick, 50);
      });
  };
  tick();
  const { url, ca } = JSON.parse(readFileSync(join(home, 'mgmt.json'), 'utf8')) as { url: string; ca: string };
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  browser = await launchBrowser({ trustSpki: [await spkiPinOf(url, ca)] });
  page = await browser.context.newPage();
  await page.goto(`${url}/ui/#token=${token}`);
});

after(async () => {
  loading = false;
  clearTimeout(load);
  await browser?.close();
  await new Runner({ home, print: () => {} }).meshbridge(['local', 'down'], { quiet: true, allowFail: true });
  // MESHBRIDGE_KEEP_HOME=1 keeps the clusters' state and logs for a post-mortem.
  if (process.env.MESHBRIDGE_KEEP_HOME === '1') process.stderr.write(`kept ${home}\n`);
  else rmSync(home, { recursive: true, force: true });
});

test('the topology shows productpage -> details inside cluster-1 from the sidecars metrics', async () => {
  await page.waitForSelector(edgeRow(C1), { timeout: 60_000 });
  await page.locator('#topology-section').screenshot({ path: join(ARTIFACTS, '1-topology-local.png') });
});

test('the Clusters pane shows both regions and cluster-2 East-West gateway addresses', async () => {
  const field = (c: string, f: string) => page.locator(`article[data-cluster="${c}"] dd[data-field="${f}"]`);
  await field(C2, 'gateways')
    .filter({ hasText: /127\.\d+\.200\.\d+/ })
    .waitFor({ timeout: 30_000 });
  assert.equal(await field(C1, 'region').textContent(), 'eu-west-2');
  assert.equal(await field(C2, 'region').textContent(), 'eu-west-1');
  assert.equal(await field(C1, 'network').textContent(), 'cluster-1-network');
  assert.equal(await field(C2, 'trustDomain').textContent(), 'cluster-2.local');
  assert.ok(Number(await field(C1, 'workloadEntries').textContent()) >= 4);
  await page.locator('#clusters-section').screenshot({ path: join(ARTIFACTS, '2-clusters.png') });
});

test('the Failover pane shows details from cluster-1: P0 its own pod, P1 the cluster-2 entries', async () => {
  await page
    .locator('#failover-service option[value="details.bookinfo"]')
    .waitFor({ state: 'attached', timeout: 30_000 });
  await page.selectOption('#failover-service', 'details.bookinfo');
  await page.selectOption('#failover-from', C1);
  const rows = page.locator(`#failover-section[data-service="details.bookinfo"][data-from="${C1}"] #failover-body tr`);
  await rows.first().waitFor({ timeout: 30_000 });
  const p0 = page.locator(`#failover-body tr[data-priority="P0"]`);
  const p1 = page.locator(`#failover-body tr[data-priority="P1"]`);
  assert.ok((await p0.count()) >= 1);
  for (const row of await p0.all()) {
    assert.equal(await row.getAttribute('data-cluster'), C1);
    assert.match((await row.getAttribute('data-endpoint')) ?? '', /^pod\/details-v1-/);
    assert.match((await row.textContent()) ?? '', /(?<!not )ready.*same region, zone and subzone/);
  }
  assert.ok((await p1.count()) >= 1, 'cluster-2 entries are the next priority');
  for (const row of await p1.all()) {
    assert.equal(await row.getAttribute('data-cluster'), C2);
    assert.match((await row.getAttribute('data-endpoint')) ?? '', /^we\/k-details-/);
    // Probed by cluster-1's prober (probe ok), or not yet (outlier-checked) when the pane loads before its first round.
    assert.match(
      (await row.textContent()) ?? '',
      /127\.\d+\.200\.\d+:15443.*eu-west-1.*(probe ok|outlier-checked).*other region/,
    );
  }
  assert.ok(
    (await page.locator(`#failover-targets li[data-cluster="${C2}"]`).count()) === 1,
    'cluster-2 is a failover target',
  );
  assert.equal(await page.locator('#failover-warnings .same-region').count(), 0);
  await page.locator('#failover-section').screenshot({ path: join(ARTIFACTS, '3-failover-priorities.png') });
});

test('with details-v1 scaled to 0 under load the topology shows the edge to cluster-2 and a failover', async () => {
  kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=0');
  try {
    await page.waitForSelector(`${edgeRow(C2)}[data-cross-cluster="true"]`, { timeout: 60_000 });
    await page.locator('#timeline li[data-kind="failover"]').first().waitFor({ timeout: 60_000 });
    assert.match(
      (await page.locator('#timeline li[data-kind="failover"]').first().textContent()) ?? '',
      /productpage-v1 \(cluster-1\) -> details\.bookinfo\.svc\.cluster\.local now served by cluster-2/,
    );
    await page.locator('#topology-section').screenshot({ path: join(ARTIFACTS, '4-topology-failover.png') });
    // The Failover pane (still on details from cluster-1) lists the same event for this service.
    await page.locator('#failover-timeline li[data-kind="failover"]').first().waitFor({ timeout: 30_000 });
  } finally {
    kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=1');
  }
  await page.locator('#timeline li[data-kind="failback"]').first().waitFor({ timeout: 60_000 });
  await page.locator('#topology-section').screenshot({ path: join(ARTIFACTS, '5-topology-failback.png') });
  const failback = page.locator('#failover-timeline li[data-kind="failback"]').first();
  await failback.waitFor({ timeout: 30_000 });
  assert.match(
    (await failback.textContent()) ?? '',
    /productpage-v1 \(cluster-1\) now served by cluster-1.*served remotely for \d+\.\d s/,
  );
  await page.locator('#failover-section').screenshot({ path: join(ARTIFACTS, '6-failover-timeline.png') });
  // productpage's sidecar recorded the same failover; the management plane pulled it: the pane and the CLI show it.
  const recorded = page.locator('#failover-episodes li[data-open="false"]').first();
  await recorded.waitFor({ timeout: 60_000 });
  assert.match(
    (await recorded.textContent()) ?? '',
    /productpage-v1 in cluster-1 failed over cluster-1 -> cluster-2 after [a-z-]+ in \d+(\.\d)? m?s, \d+ requests? failed; failed back \d+(\.\d)? m?s after recovery/,
  );
  await page.locator('#failover-section').screenshot({ path: join(ARTIFACTS, '7-failover-recorded.png') });
  const history = await new Runner({ home, print: () => {} }).meshbridge(
    ['history', 'details.bookinfo', '--cluster', C1, '-o', 'json'],
    { quiet: true },
  );
  const body = JSON.parse(history.stdout) as {
    episodes: Array<{ from: string; to: string; open: boolean; timeToFailoverMs: number; timeToFailbackMs?: number }>;
  };
  const episode = body.episodes.find((e) => !e.open && e.from === C1 && e.to === C2);
  assert.ok(episode, history.stdout.slice(0, 2000));
  assert.ok(episode.timeToFailoverMs >= 0 && episode.timeToFailoverMs < 30_000, `${episode.timeToFailoverMs} ms`);
  assert.ok(episode.timeToFailbackMs !== undefined && episode.timeToFailbackMs >= 0);
});

test('a reachability rule added in the UI removes cluster-1 entries, and the view says why', async () => {
  const entries = page.locator(`article[data-cluster="${C1}"] dd[data-field="workloadEntries"]`);
  const before = Number(await entries.textContent());
  assert.ok(before >= 4, `cluster-1 holds entries (${before})`);
  // One rule, cluster-2 -> cluster-1: from then on cluster-1-network may not reach cluster-2-network.
  await page.selectOption('#reach-from', 'cluster-2-network');
  await page.fill('#reach-to', 'cluster-1-network');
  await page.click('#reach-form button[type="submit"]');
  await page.locator('#reach-result .ok').waitFor({ timeout: 10_000 });
  const why = page.locator(`#reach-explain li[data-pair="${C1}->${C2}"].reach-blocked`);
  await why.waitFor({ timeout: 10_000 });
  assert.match((await why.textContent()) ?? '', /cluster-1 gets no WorkloadEntries for cluster-2's services/);
  await page
    .locator(`#reach-changes li[data-cluster="${C1}"]`, { hasText: `${before} WorkloadEntries removed` })
    .waitFor({ timeout: 60_000 });
  await entries.filter({ hasText: /^0$/ }).waitFor({ timeout: 30_000 });
  assert.equal(kubectl(C1, 'get', 'we', '-n', 'bookinfo', '-o', 'name').trim(), '');
  await page.locator('#reach-section').screenshot({ path: join(ARTIFACTS, '7-reachability-removed.png') });
});
