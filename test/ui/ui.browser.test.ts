/**
 * The web UI in a real Chromium (playwright-core), served by the real management plane with registerUi, fed by a
 * MetricsCollector scraping real processes: the built-in bookinfo apps in two "clusters" and, per client pod, a
 * metering explicit proxy that fails over from the local details pod to the remote one. The management plane
 * is the real one (startMgmt, SQLite store, real tokens and roles); only the federation's effect on the clusters
 * (WorkloadEntries) is a stand-in (./federation-stand-in.ts). Screenshots of each state go to test-artifacts/ui/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Page } from 'playwright-core';
import { launchBrowser, requireBrowserAndUi, type Browser } from './browser.js';
import { resolveImage } from '../../src/local/images/index.js';
import { MetricsCollector } from '../../src/mgmt/telemetry/collector.js';
import { registerUi } from '../../src/mgmt/ui/register.js';
import { issueToken } from '../../src/mgmt/auth/tokens.js';
import { createLogger } from '../../src/mgmt/logger.js';
import { startMgmt } from '../../src/mgmt/start.js';
import type { RunningMgmt } from '../../src/mgmt/start.js';
import { REPO_ROOT } from '../support/paths.js';
import type { Pod } from '../images/support.js';
import { ensureImagesBuilt, get, randomLoopback, startPod } from '../images/support.js';
import { federationStandIn } from './federation-stand-in.js';
import { startMetrics } from '../../src/dataplane/admin.js';
import { FlightRecorder } from '../../src/dataplane/recorder/flight-recorder.js';
import { ProxyMetrics } from '../../src/dataplane/sidecar/metrics.js';
import { FailoverEventPuller } from '../../src/mgmt/failover/puller.js';

requireBrowserAndUi();
ensureImagesBuilt();

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'ui');
const FQDN = (s: string): string => `${s}.bookinfo.svc.cluster.local`;
const EDGE = (src: string, dst: string, dstCluster: string): string => `${src}|cluster-1|${FQDN(dst)}|${dstCluster}`;

const TSB = 'api.tsb.tetrate.io/v2';
const clusterObject = (name: string, region: string, zone: string) => ({
  apiVersion: TSB,
  kind: 'Cluster',
  metadata: { organization: 'tetrate', name },
  spec: { network: `${name}-network`, locality: { region, zone }, trustDomain: `${name}.local` },
});
const orgSetting = (reachability: Record<string, string>) => ({
  apiVersion: TSB,
  kind: 'OrganizationSetting',
  metadata: { organization: 'tetrate', name: 'default' },
  spec: { networkSettings: { networkReachability: reachability } },
});

function image(name: string): string {
  const r = resolveImage(`docker.io/istio/examples-bookinfo-${name}:1.20.1`);
  if (!r.ok) throw new Error(r.reason);
  return r.entry;
}

describe('web UI against live traffic', () => {
  const pods: Pod[] = [];
  const ip = {
    details1: randomLoopback(),
    details2: randomLoopback(),
    productpage: randomLoopback(),
    reviews: randomLoopback(),
    ratings: randomLoopback(),
  };
  let detailsC1: Pod | undefined;
  let collector: MetricsCollector;
  let base = '';
  let browser: Browser;
  let page: Page;
  let load: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];
  let mgmt: RunningMgmt;
  let home: string;
  const tokens = { admin: '', reader: '' };

  /** Calls the real management API with the admin's token. */
  const api = async (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${mgmt.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json() };
  };
  const applied = async (objects: unknown[]): Promise<void> => {
    const r = await api('POST', '/v2/apply', { objects });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };
  const storedSetting = async (): Promise<unknown> =>
    ((await api('GET', '/v2/objects?kind=OrganizationSetting')).json as { objects: { spec?: unknown }[] }).objects[0]
      ?.spec;

  const pod = async (entry: string, env: Record<string, string>, ready?: RegExp): Promise<Pod> => {
    const p = await startPod(entry, { POD_NAMESPACE: 'bookinfo', ...env }, ready);
    pods.push(p);
    return p;
  };
  const proxyFor = (podIp: string, workload: string, routes: Record<string, unknown>): Promise<Pod> =>
    pod(join(REPO_ROOT, 'test', 'ui', 'metered-proxy.mjs'), {
      POD_IP: podIp,
      MB_POD_IP: podIp,
      MB_WORKLOAD: workload,
      MB_CLUSTER: 'cluster-1',
      MB_ROUTES: JSON.stringify(routes),
      NODE_PATH: join(REPO_ROOT, 'node_modules'),
    });
  const startDetailsC1 = async (): Promise<Pod> =>
    (detailsC1 = await pod(image('details-v1'), { POD_IP: ip.details1, POD_NAME: 'details-v1-c1' }));

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const endpoint = (cluster: string, address: string, pod: string) => ({
      cluster,
      address,
      port: 9080,
      pod: `${pod}.bookinfo`,
    });
    await Promise.all([
      startDetailsC1(),
      pod(image('details-v1'), { POD_IP: ip.details2, POD_NAME: 'details-v1-c2' }),
      pod(image('ratings-v1'), { POD_IP: ip.ratings, POD_NAME: 'ratings-v1-c1' }),
      pod(image('reviews-v2'), {
        POD_IP: ip.reviews,
        POD_NAME: 'reviews-v2-c1',
        HTTP_PROXY: `http://${ip.reviews}:15001`,
      }),
      pod(image('productpage-v1'), {
        POD_IP: ip.productpage,
        POD_NAME: 'productpage-v1-c1',
        HTTP_PROXY: `http://${ip.productpage}:15001`,
      }),
      proxyFor(ip.productpage, 'productpage-v1', {
        'details:9080': {
          service: FQDN('details'),
          endpoints: [
            endpoint('cluster-1', ip.details1, 'details-v1-c1'),
            endpoint('cluster-2', ip.details2, 'details-v1-c2'),
          ],
        },
        'reviews:9080': { service: FQDN('reviews'), endpoints: [endpoint('cluster-1', ip.reviews, 'reviews-v2-c1')] },
      }),
      proxyFor(ip.reviews, 'reviews-v2', {
        'ratings:9080': { service: FQDN('ratings'), endpoints: [endpoint('cluster-1', ip.ratings, 'ratings-v1-c1')] },
      }),
    ]);
    collector = new MetricsCollector({
      targets: () => [`http://${ip.productpage}:15020/stats/prometheus`, `http://${ip.reviews}:15020/stats/prometheus`],
      intervalMs: 500,
      windowMs: 3000,
    });
    collector.start();
    const up = async (address: string): Promise<number> =>
      (await get(`http://${address}:9080/health`).catch(() => undefined))?.status === 200 ? 1 : 0;
    const inventory = federationStandIn({
      settings: async () => (await mgmt.deps.store.list({ kind: 'OrganizationSetting' })).map((s) => s.object),
      gatewayAddresses: ['127.2.200.1', '127.2.200.2', '127.2.200.3'],
      readyEndpoints: async (cluster, service) =>
        cluster === 'cluster-1'
          ? up(
              { details: ip.details1, productpage: ip.productpage, reviews: ip.reviews, ratings: ip.ratings }[
                service
              ] ?? '',
            )
          : service === 'details'
            ? up(ip.details2)
            : 0,
    });
    home = mkdtempSync(join(tmpdir(), 'mb-ui-mgmt-'));
    mgmt = await startMgmt({
      listen: `${randomLoopback()}:0`,
      home,
      plainHttp: true,
      logger: createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) }),
      // This test's own sources replace the default UI (the home's kubeconfig, which does not exist here).
      ui: false,
      extensions: [(app) => registerUi(app, { topology: collector, inventory })],
    });
    base = mgmt.url;
    tokens.admin = readFileSync(join(home, 'admin-token'), 'utf8').trim();
    tokens.reader = await issueToken({ store: mgmt.deps.store, name: 'auditor', role: 'reader' });
    await applied([
      { apiVersion: TSB, kind: 'Organization', metadata: { name: 'tetrate' } },
      clusterObject('cluster-1', 'eu-west-2', 'eu-west-2a'),
      clusterObject('cluster-2', 'eu-west-1', 'eu-west-1a'),
      orgSetting({ 'cluster-1-network': 'cluster-2-network', 'cluster-2-network': 'cluster-1-network' }),
    ]);
    // Constant load on the page, like the walkthrough's curl loop.
    const tick = (): void => {
      void get(`http://${ip.productpage}:9080/productpage`)
        .catch(() => undefined)
        .finally(() => {
          if (load !== undefined) load = setTimeout(tick, 40);
        });
    };
    load = setTimeout(tick, 0);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      // Failed resource loads (the 400 of the invalid-rule test) are asserted where they happen.
      if (msg.type() === 'error' && msg.text().startsWith('Failed to load resource')) return;
      if (msg.type() === 'error' || msg.type() === 'warning') pageErrors.push(`console ${msg.type()}: ${msg.text()}`);
    });
    await page.goto(`${base}/ui/#token=${tokens.admin}`);
  });

  after(async () => {
    const l = load;
    load = undefined;
    clearTimeout(l);
    await browser?.close();
    await collector?.stop();
    await mgmt?.close();
    if (home) rmSync(home, { recursive: true, force: true });
    await Promise.all(pods.map((p) => p.stop()));
  });

  /** Edges as cytoscape holds them in the page. */
  const graphEdges = (): Promise<{ source: string; target: string; classes: string[] }[]> =>
    page.evaluate(() => {
      const ui = (
        globalThis as unknown as {
          meshbridgeUi: {
            topology: {
              edges: () => { map: <T>(f: (e: { data: (k: string) => string; classes: () => string[] }) => T) => T[] };
            };
          };
        }
      ).meshbridgeUi;
      return ui.topology
        .edges()
        .map((e) => ({ source: e.data('source'), target: e.data('target'), classes: e.classes() }));
    });

  /** Service node id -> the cluster group it is drawn in. */
  const groups = (): Promise<Record<string, string>> =>
    page.evaluate(() => {
      type Node = { id: () => string; parent: () => { id: () => string; empty: () => boolean } };
      const ui = (
        globalThis as unknown as {
          meshbridgeUi: { topology: { nodes: () => { forEach: (f: (n: Node) => void) => void } } };
        }
      ).meshbridgeUi;
      const out: Record<string, string> = {};
      ui.topology.nodes().forEach((n) => {
        if (!n.parent().empty()) out[n.id()] = n.parent().id();
      });
      return out;
    });

  test('the topology shows productpage -> details inside cluster-1', async () => {
    await page.waitForSelector(`tr[data-edge-id="${EDGE('productpage-v1', 'details', 'cluster-1')}"]`, {
      timeout: 20_000,
    });
    await page.waitForSelector(`tr[data-edge-id="${EDGE('reviews-v2', 'ratings', 'cluster-1')}"]`, { timeout: 20_000 });
    const edges = await graphEdges();
    const details = edges.find((e) => e.source === 'cluster-1/productpage' && e.target === 'cluster-1/details');
    assert.ok(details, JSON.stringify(edges));
    assert.ok(!details.classes.includes('cross-cluster'));
    assert.ok(edges.some((e) => e.source === 'cluster-1/reviews' && e.target === 'cluster-1/ratings'));
    const g = await groups();
    assert.equal(g['cluster-1/productpage'], 'cluster:cluster-1');
    assert.equal(g['cluster-1/details'], 'cluster:cluster-1');
    assert.match((await page.textContent('#session')) ?? '', /admin \(org-admin\)/);
    await page.locator('#topology-section').screenshot({ path: join(ARTIFACTS, '1-topology-local.png') });
  });

  test('the Clusters pane shows both regions, networks, trust domains and the gateway addresses', async () => {
    const card = (name: string, field: string) =>
      page.locator(`article[data-cluster="${name}"] dd[data-field="${field}"]`);
    await card('cluster-2', 'gateways').filter({ hasText: '127.2.200.1' }).waitFor({ timeout: 10_000 });
    assert.equal(await card('cluster-1', 'region').textContent(), 'eu-west-2');
    assert.equal(await card('cluster-2', 'region').textContent(), 'eu-west-1');
    assert.equal(await card('cluster-1', 'zone').textContent(), 'eu-west-2a');
    assert.equal(await card('cluster-2', 'network').textContent(), 'cluster-2-network');
    assert.equal(await card('cluster-1', 'trustDomain').textContent(), 'cluster-1.local');
    assert.equal(await card('cluster-2', 'gateways').textContent(), '127.2.200.1, 127.2.200.2, 127.2.200.3');
    assert.equal(await card('cluster-1', 'workloadEntries').textContent(), '12');
    assert.equal(await page.locator('#cluster-warnings .warning').count(), 0);
    await page.locator('#clusters-section').screenshot({ path: join(ARTIFACTS, '2-clusters.png') });
  });

  test('when two clusters share a region the pane warns about it', async () => {
    await applied([clusterObject('cluster-2', 'eu-west-2', 'eu-west-2b')]);
    try {
      const warning = page.locator('#cluster-warnings .warning');
      await warning.waitFor({ timeout: 10_000 });
      assert.match((await warning.textContent()) ?? '', /cluster-1 and cluster-2 share region eu-west-2/);
      await page.locator('#clusters-section').screenshot({ path: join(ARTIFACTS, '3-clusters-same-region.png') });
    } finally {
      await applied([clusterObject('cluster-2', 'eu-west-1', 'eu-west-1a')]);
    }
    await page.locator('#cluster-warnings .warning').waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('after details goes away in cluster-1 under load, the topology shows the cross-cluster edge and a failover', async () => {
    await detailsC1!.stop();
    const remote = `tr[data-edge-id="${EDGE('productpage-v1', 'details', 'cluster-2')}"]`;
    await page.waitForSelector(`${remote}[data-cross-cluster="true"]`, { timeout: 20_000 });
    // The local edge leaves the window once it carries no more traffic.
    await page.waitForSelector(`tr[data-edge-id="${EDGE('productpage-v1', 'details', 'cluster-1')}"]`, {
      state: 'detached',
      timeout: 20_000,
    });
    const failover = page.locator('#timeline li[data-kind="failover"]');
    await failover.first().waitFor({ timeout: 20_000 });
    assert.match(
      (await failover.first().textContent()) ?? '',
      /productpage-v1 \(cluster-1\) -> details\.bookinfo\.svc\.cluster\.local now served by cluster-2/,
    );
    const edges = await graphEdges();
    const cross = edges.find((e) => e.source === 'cluster-1/productpage' && e.target === 'cluster-2/details');
    assert.ok(cross?.classes.includes('cross-cluster'), JSON.stringify(edges));
    assert.equal((await groups())['cluster-2/details'], 'cluster:cluster-2');
    // The page itself kept working: served by cluster-2.
    const res = await get(`http://${ip.productpage}:9080/productpage`);
    assert.equal(res.headers['x-meshbridge-details-served-by'], 'details-v1-c2.bookinfo@cluster-2');
    await page.locator('#topology-section').screenshot({ path: join(ARTIFACTS, '4-topology-failover.png') });
  });

  test('when details returns in cluster-1 the timeline records the failback with how long it lasted', async () => {
    await startDetailsC1();
    const failback = page.locator('#timeline li[data-kind="failback"]');
    await failback.first().waitFor({ timeout: 20_000 });
    assert.match(
      (await failback.first().textContent()) ?? '',
      /failback: .* now served by cluster-1\b.*served remotely for \d+\.\d s/,
    );
    await page.waitForSelector(`tr[data-edge-id="${EDGE('productpage-v1', 'details', 'cluster-1')}"]`, {
      timeout: 20_000,
    });
    await page.locator('#topology-section').screenshot({ path: join(ARTIFACTS, '5-topology-failback.png') });
  });

  test('removing the cluster-1 -> cluster-2 rule writes the setting, removes the entries and says why', async () => {
    const rule = page.locator('#reach-rules li[data-rule="cluster-1-network->cluster-2-network"]');
    await rule.waitFor({ timeout: 10_000 });
    await page.locator('#reach-explain li[data-pair="cluster-1->cluster-2"].reach-ok').waitFor();
    await rule.locator('button.remove').click();
    await page.locator('#reach-result .ok').waitFor({ timeout: 10_000 });
    assert.deepEqual(await storedSetting(), {
      networkSettings: { networkReachability: { 'cluster-2-network': 'cluster-1-network' } },
    });
    const why = page.locator('#reach-explain li[data-pair="cluster-1->cluster-2"].reach-blocked');
    await why.waitFor({ timeout: 10_000 });
    assert.match(
      (await why.textContent()) ?? '',
      /cluster-1-network may not reach cluster-2-network .*cluster-1 gets no WorkloadEntries for cluster-2's services/,
    );
    const change = page.locator('#reach-changes li[data-cluster="cluster-1"]');
    await change.waitFor({ timeout: 10_000 });
    assert.match((await change.textContent()) ?? '', /cluster-1: 12 WorkloadEntries removed, 0 added/);
    await page
      .locator('article[data-cluster="cluster-1"] dd[data-field="workloadEntries"]', { hasText: /^0$/ })
      .waitFor({ timeout: 10_000 });
    await page.locator('#reach-section').screenshot({ path: join(ARTIFACTS, '6-reachability-removed.png') });
  });

  test('an invalid rule shows the API validation errors and changes nothing', async () => {
    const before = await storedSetting();
    await page.selectOption('#reach-from', 'cluster-2-network');
    await page.fill('#reach-to', 'not a network!');
    await page.click('#reach-form button[type="submit"]');
    const error = page.locator('#reach-result .error');
    await error.waitFor({ timeout: 10_000 });
    assert.match((await error.textContent()) ?? '', /Rejected \(400\)/);
    const issues = (await page.locator('#reach-result .error-list').textContent()) ?? '';
    assert.match(issues, /MB9003/);
    assert.match(
      issues,
      /spec\.networkSettings\.networkReachability\.cluster-2-network: expected comma-separated network names/,
    );
    assert.deepEqual(await storedSetting(), before);
    await page.locator('#reach-section').screenshot({ path: join(ARTIFACTS, '7-reachability-invalid.png') });
  });

  test('a reader sees everything but cannot edit reachability', async () => {
    const reader = await browser.context.newPage();
    try {
      await reader.goto(`${base}/ui/#token=${tokens.reader}`);
      await reader.locator('#session[data-role="reader"]').waitFor({ timeout: 10_000 });
      await reader.locator('#reach-readonly:not([hidden])').waitFor({ timeout: 10_000 });
      assert.match((await reader.textContent('#reach-readonly')) ?? '', /Read-only: your role \(reader\)/);
      await reader.locator('#reach-rules li[data-rule]').first().waitFor({ timeout: 10_000 });
      assert.ok(await reader.locator('#reach-form button[type="submit"]').isDisabled());
      assert.ok(await reader.locator('#reach-rules button.remove').first().isDisabled());
      await reader.locator('article[data-cluster="cluster-1"]').waitFor();
      await reader.screenshot({ path: join(ARTIFACTS, '8-reader.png'), fullPage: true });
      // Sessions are per tab: the first page still has the admin's token.
      assert.match((await page.textContent('#session')) ?? '', /org-admin/);
    } finally {
      await reader.close();
    }
  });

  test("the Failover pane lists the failover a sidecar's flight recorder reported, with its figures", async () => {
    // A sidecar's recorder on a real socket, pulled into this management plane's store as the local clusters' are.
    const recorder = new FlightRecorder({ cluster: 'cluster-1', settleMs: 0 });
    const up = 'outbound|9080||details.bookinfo.svc.cluster.local';
    recorder.answered(up, 200, 'cluster-1');
    recorder.emit({ kind: 'ejection', upstream: up, priority: 0, locality: 'eu-west-2/eu-west-2a/' });
    recorder.answered(up, 503, undefined);
    recorder.answered(up, 200, 'cluster-2');
    recorder.emit({ kind: 'return', upstream: up, priority: 0, locality: 'eu-west-2/eu-west-2a/' });
    recorder.answered(up, 200, 'cluster-1');
    const source = {
      cluster: 'cluster-1',
      namespace: 'bookinfo',
      pod: 'productpage-v1-c1',
      workload: 'productpage-v1',
    };
    const server = await startMetrics(new ProxyMetrics(), randomLoopback(), 0, { recorder, source });
    try {
      const address = server.address() as { address: string; port: number };
      const puller = new FailoverEventPuller({
        targets: () => [`http://${address.address}:${address.port}/failover/events`],
        store: mgmt.deps.store,
      });
      assert.equal(await puller.pullOnce(), 4);
    } finally {
      server.close();
    }
    await page.locator('#failover-service option[value="details.bookinfo"]').waitFor({ state: 'attached' });
    await page.selectOption('#failover-service', 'details.bookinfo');
    await page.selectOption('#failover-from', 'cluster-1');
    const item = page.locator('#failover-episodes li[data-open="false"]');
    await item.first().waitFor({ timeout: 10_000 });
    assert.match(
      (await item.first().textContent()) ?? '',
      /productpage-v1 in cluster-1 failed over cluster-1 -> cluster-2 after ejection in \d+ ms, 1 request failed; failed back \d+ ms after recovery/,
    );
    assert.equal(await page.locator('#failover-episodes-empty').isHidden(), true);
    await page.locator('#failover-section').screenshot({ path: join(ARTIFACTS, '6-failover-recorded.png') });
  });

  test('the Drills section lists a drill run reported to the management plane, its end reason as text', async () => {
    // Two hours ago: none of the episodes recorded above falls inside it, so no client of cluster-1 called details.
    const startedAtMs = Date.now() - 2 * 3_600_000;
    const run = (id: string, offsetMs: number, endReason: string) =>
      api('PUT', `/v2/failover/drills/${id}`, {
        service: 'details.bookinfo',
        cluster: 'cluster-1',
        startedAtMs: startedAtMs + offsetMs,
        endsAtMs: startedAtMs + offsetMs + 60_000,
        endedAtMs: startedAtMs + offsetMs + 30_000,
        endReason,
      });
    const plain = await run('ui-drill-manual', 0, 'stopped by the test');
    assert.equal(plain.status, 200, JSON.stringify(plain.json));
    // Hostile: markup in a reason must show as these characters, never become an element that runs script.
    const hostileReason = '<img src=x onerror="window.__drillInjected=1">';
    const hostile = await run('ui-drill-hostile', 1000, hostileReason);
    assert.equal(hostile.status, 200, JSON.stringify(hostile.json));

    const field = (id: string, name: string): Promise<string | null> =>
      page.locator(`#drills-body tr[data-drill-id="${id}"] td[data-field="${name}"]`).textContent();
    await page.locator('#drills-body tr[data-drill-id="ui-drill-manual"]').waitFor({ timeout: 15_000 });
    await page.locator('#drills-body tr[data-drill-id="ui-drill-hostile"]').waitFor({ timeout: 15_000 });
    assert.equal(await field('ui-drill-manual', 'service'), 'details.bookinfo');
    assert.equal(await field('ui-drill-manual', 'cluster'), 'cluster-1');
    assert.equal(await field('ui-drill-manual', 'drill'), 'manual');
    assert.equal(await field('ui-drill-manual', 'state'), 'ended: stopped by the test');
    assert.equal(await field('ui-drill-manual', 'timeToFailover'), 'no client called it');
    assert.equal(await field('ui-drill-manual', 'requestsFailed'), '0');
    // Newest first: the hostile run started a second later.
    const order = await page
      .locator('#drills-body tr[data-drill-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-drill-id')));
    assert.deepEqual(order.slice(0, 2), ['ui-drill-hostile', 'ui-drill-manual']);

    assert.equal(await field('ui-drill-hostile', 'state'), `ended: ${hostileReason}`);
    assert.equal(await page.locator('#drills-section img').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as { __drillInjected?: unknown }).__drillInjected), undefined);
    await page.locator('#drills-section').screenshot({ path: join(ARTIFACTS, '9-drills.png') });
  });

  test('the page logged no script errors along the way', () => {
    // 401 answers show up as failed resource loads in the console of the anonymous tab only, not here.
    assert.deepEqual(pageErrors, []);
  });

  test('without a token the page asks for one and loads nothing', async () => {
    // A new tab starts with empty session storage, hence without a token.
    const p = await browser.context.newPage();
    try {
      await p.goto(`${base}/ui/`);
      await p.locator('#session', { hasText: 'not signed in' }).waitFor({ timeout: 10_000 });
      await p.locator('#topology-status', { hasText: /MB9001/ }).waitFor({ timeout: 10_000 });
      await p
        .locator('#cluster-warnings .problem', { hasText: /Cluster objects: MB9001/ })
        .waitFor({ timeout: 10_000 });
      assert.equal(await p.locator('#edges-body tr').count(), 0);
    } finally {
      await p.close();
    }
  });
});
