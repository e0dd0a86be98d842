// The controller against the real management plane (contract D: /v2/snapshot long poll, PUT /v2/status) and two
// embedded cluster APIs, and `meshbridge explain failover` through the CLI against the same peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { seededClusters } from './support/seeded-clusters.js';
import { startMgmt, type RunningMgmt } from '../../src/mgmt/start.js';
import { createLogger } from '../../src/mgmt/logger.js';
import { FederationController } from '../../src/federation/controller.js';
import { HttpConfigSource } from '../../src/federation/config-source.js';
import { kubeconfigConnector } from '../../src/federation/connect.js';
import { HttpStatusSink } from '../../src/federation/status.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/paths.js';
import { localServingTls } from '../../src/mgmt/tls/local-cert.js';
import { mgmtFetch } from '../../src/mgmt/tls/client-fetch.js';

const run = promisify(execFile);
const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');

const FQN = 'organizations/tetrate/tenants/tetrate/workspaces/bookinfo-ws/settings/bookinfo-ws-setting';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the CLI as a process (the way users run it) and returns what it printed. */
async function cli(args: string[]): Promise<string> {
  const res = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, timeout: 60_000 });
  return res.stdout;
}

test('config from the management plane drives entries, status and explain', async (t) => {
  // Cluster objects as in the seed (gateway with three addresses in cluster-2).
  const seeded = await seededClusters(t, 'same-region');
  const { servers: clusters, expanded, kubeconfig } = seeded;
  const home = mkdtempSync(join(tmpdir(), 'mb-fed-mgmt-'));
  const running: { mgmt?: RunningMgmt } = {};
  // After the seeded clusters' own hook (hooks run in order), which stops the controller first.
  t.after(async () => {
    await running.mgmt?.close();
    rmSync(home, { recursive: true, force: true });
  });
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  // HTTPS as in production: a certificate from a CA the clients are given explicitly (--ca-file).
  const { tls, caFile } = await localServingTls(home, '127.0.0.1');
  const fetch = mgmtFetch(readFileSync(caFile, 'utf8'));
  const mgmt = await startMgmt({
    listen: '127.0.0.1:0',
    home,
    tls,
    logger: createLogger({ level: 'error', destination: quiet }),
  });
  assert.match(mgmt.url, /^https:/);
  running.mgmt = mgmt;
  const url = mgmt.url;
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(new URL(path, url), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };

  const tsb = 'api.tsb.tetrate.io/v2';
  const hierarchy = [
    { apiVersion: tsb, kind: 'Organization', metadata: { name: 'tetrate' } },
    { apiVersion: tsb, kind: 'Tenant', metadata: { organization: 'tetrate', name: 'tetrate' } },
    ...['cluster-1', 'cluster-2'].map((name) => ({
      apiVersion: tsb,
      kind: 'Cluster',
      metadata: { organization: 'tetrate', name },
      spec: {
        network: `${name}-network`,
        locality: { region: 'eu-west-1' },
        kubeconfig: { path: kubeconfig, context: name },
      },
    })),
    ...expanded.config.workspaces,
    ...expanded.config.workspaceSettings,
  ];
  const applied = await api('POST', '/v2/apply', { objects: hierarchy });
  assert.equal(applied.status, 200, JSON.stringify(applied.json));

  const statusErrors: string[] = [];
  const controller = new FederationController({
    config: new HttpConfigSource({ url, token, waitSeconds: 5, fetch }),
    connect: kubeconfigConnector(),
    status: new HttpStatusSink({ url, token, fetch, onError: (e) => statusErrors.push(e.message) }),
    debounceMs: 20,
  });
  seeded.running.controller = controller;
  await controller.start();
  const entries = () => clusters['cluster-1'].list('WorkloadEntry', 'bookinfo');

  await t.test('cluster-1 gets the entries and the WorkspaceSetting becomes READY', async () => {
    await waitFor('12 entries', () => entries().length === 12);
    const st = await waitFor('READY', async () => {
      const r = await api('GET', `/v2/status/WorkspaceSetting/${FQN}`);
      return JSON.stringify(r.json).includes('READY') && !JSON.stringify(r.json).includes('ACCEPTED') && r;
    });
    assert.equal(st.status, 200);
    const cl = await waitFor('cluster status', async () => {
      const r = await api('GET', '/v2/status/Cluster/organizations/tetrate/clusters/cluster-2');
      return JSON.stringify(r.json).includes('eastwest-gateway') && r;
    });
    assert.match(JSON.stringify(cl.json), /READY/);
  });

  await t.test('explain shows the same-region caveat for details as seen from cluster-1', async () => {
    const out = await cli([
      'explain',
      'failover',
      'details.bookinfo',
      '--from',
      'cluster-1',
      '--mgmt',
      url,
      '--token-file',
      join(home, 'admin-token'),
      '--ca-file',
      caFile,
      '--kubeconfig',
      kubeconfig,
    ]);
    assert.match(out, /P0 +cluster-2 +we\/k-details-[0-9a-f]{32} /);
    assert.match(out, /istio-locality/);
  });

  await t.test(
    'a reachability rule applied to the management plane removes the entries, and explain says why',
    async () => {
      const os = {
        apiVersion: tsb,
        kind: 'OrganizationSetting',
        metadata: { organization: 'tetrate', name: 'default' },
        spec: { networkSettings: { networkReachability: { 'cluster-2-network': 'cluster-1-network' } } },
      };
      assert.equal((await api('POST', '/v2/apply', { objects: [os] })).status, 200);
      await waitFor('entries removed', () => entries().length === 0);
      const out = await cli([
        'explain',
        'failover',
        'details.bookinfo',
        '--from',
        'cluster-1',
        '--mgmt',
        url,
        '--token-file',
        join(home, 'admin-token'),
        '--ca-file',
        caFile,
        '--kubeconfig',
        kubeconfig,
      ]);
      assert.match(
        out,
        /cluster-2: not-reachable: network cluster-1-network \(cluster-1\) may not reach network cluster-2-network/,
      );
    },
  );

  await t.test('the management plane accepted every status report', () => assert.deepEqual(statusErrors, []));
});

test('`meshbridge controller` runs as a process until SIGTERM and leaves the generated objects in place', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'mb-fed-ctl-'));
  const running: { mgmt?: RunningMgmt; child?: ChildProcess } = {};
  // Registered before the seeded clusters' hook, so the controller process is gone before their APIs stop.
  t.after(async () => {
    running.child?.kill('SIGKILL');
    await running.mgmt?.close();
    rmSync(home, { recursive: true, force: true });
  });
  const { servers: clusters, expanded, kubeconfig } = await seededClusters(t, 'two-clusters-seed');
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  // HTTPS as in production: a certificate from a CA the clients are given explicitly (--ca-file).
  const { tls, caFile } = await localServingTls(home, '127.0.0.1');
  const fetch = mgmtFetch(readFileSync(caFile, 'utf8'));
  const mgmt = await startMgmt({
    listen: '127.0.0.1:0',
    home,
    tls,
    logger: createLogger({ level: 'error', destination: quiet }),
  });
  assert.match(mgmt.url, /^https:/);
  running.mgmt = mgmt;
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  const tsb = 'api.tsb.tetrate.io/v2';
  const objects = [
    { apiVersion: tsb, kind: 'Organization', metadata: { name: 'tetrate' } },
    { apiVersion: tsb, kind: 'Tenant', metadata: { organization: 'tetrate', name: 'tetrate' } },
    // No spec.kubeconfig: the controller's --kubeconfig is used with the cluster name as context.
    ...expanded.config.clusters,
    ...expanded.config.workspaces,
    ...expanded.config.workspaceSettings,
  ];
  const res = await fetch(new URL('/v2/apply', mgmt.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ objects }),
  });
  assert.equal(res.status, 200, await res.text());

  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'controller',
      '--kubeconfig',
      kubeconfig,
      '--mgmt',
      mgmt.url,
      '--token-file',
      join(home, 'admin-token'),
      '--ca-file',
      caFile,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.child = child;
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString('utf8')));
  const entries = () => clusters['cluster-1'].list('WorkloadEntry', 'bookinfo');
  await waitFor(`12 entries (controller log: ${log})`, () => entries().length === 12, 30_000);
  assert.deepEqual(
    entries()
      .map((e) => (e.spec as { address: string }).address)
      .filter((a, i, all) => all.indexOf(a) === i)
      .sort(),
    ['18.133.97.238', '3.9.28.84', '35.176.13.117'],
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(entries().length, 12);
});
