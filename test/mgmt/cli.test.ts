/**
 * The CLI against a real `meshbridge server` process: admin token and mgmt.json on first start, apply/get/status/
 * delete with located errors, token create, the --cluster hand-over, and a restart that keeps everything.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { ensureBuilt } from '../local/process-support.js';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import { localServingTls } from '../../src/mgmt/tls/local-cert.js';
import { mgmtFetch } from '../../src/mgmt/tls/client-fetch.js';

// The compiled CLI, as users run it (a tsx start loads the whole program through the TypeScript loader: seconds).
const BIN = join(REPO_ROOT, 'bin', 'meshbridge.js');
const home = mkdtempSync(join(tmpdir(), 'mb-cli-'));
let server: ChildProcess | undefined;
// HTTPS as in production: certificate and key files on the command line, the CLI given the CA ($MESHBRIDGE_CA_FILE).
const tlsFiles = { cert: join(home, 'tls-cert.pem'), key: join(home, 'tls-key.pem'), ca: '' };

async function startServer(): Promise<string> {
  rmSync(join(home, 'mgmt.json'), { force: true });
  const args = ['server', '--listen', '127.0.0.1:0', '--home', home, '--tls-cert', tlsFiles.cert];
  server = spawn(process.execPath, [BIN, ...args, '--tls-key', tlsFiles.key], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Up to 60 s: the shared test machine can be heavily loaded, and a start is well under a second when it is not.
  for (let i = 0; i < 1200 && !existsSync(join(home, 'mgmt.json')); i++) {
    if (server.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(existsSync(join(home, 'mgmt.json')), `server did not start: ${stderr}`);
  return (JSON.parse(readFileSync(join(home, 'mgmt.json'), 'utf8')) as { url: string }).url;
}

async function stopServer(): Promise<void> {
  const s = server;
  server = undefined;
  if (s === undefined || s.exitCode !== null) return;
  const exited = new Promise((r) => s.once('exit', r));
  s.kill('SIGTERM');
  await exited;
}

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, MESHBRIDGE_HOME: home, MESHBRIDGE_CA_FILE: tlsFiles.ca },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(home, name);
  writeFileSync(p, text);
  return p;
}

let url: string;
before(async () => {
  ensureBuilt();
  const { tls, caFile } = await localServingTls(home, '127.0.0.1');
  writeFileSync(tlsFiles.cert, tls.certPem);
  writeFileSync(tlsFiles.key, tls.keyPem, { mode: 0o600 });
  tlsFiles.ca = caFile;
  url = await startServer();
});
after(async () => {
  await stopServer();
  rmSync(home, { recursive: true, force: true });
});

const hierarchy = `apiVersion: api.tsb.tetrate.io/v2
kind: Organization
metadata:
  name: tetrate
---
apiVersion: api.tsb.tetrate.io/v2
kind: Tenant
metadata:
  organization: tetrate
  name: demo
---
apiVersion: api.tsb.tetrate.io/v2
kind: Workspace
metadata:
  organization: tetrate
  tenant: demo
  name: bookinfo-ws
spec:
  namespaceSelector:
    names: ["*/bookinfo"]
`;

test('first start writes a 0600 admin token and mgmt.json with the URL', () => {
  assert.equal(statSync(join(home, 'admin-token')).mode & 0o777, 0o600);
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('apply -f sends the hierarchy and the WorkspaceSetting example as it is', () => {
  const setting = readFileSync(join(EXAMPLES, 'workspace-setting.yaml'), 'utf8');
  const r = cli('apply', '-f', file('hier.yaml', hierarchy), file('wss.yaml', setting));
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out.trim().split('\n'), [
    'Organization/tetrate created',
    'Tenant/demo created',
    'Workspace/bookinfo-ws created',
    'WorkspaceSetting/bookinfo-ws-setting created',
  ]);
  assert.equal(cli('apply', '-f', join(home, 'wss.yaml')).out.trim(), 'WorkspaceSetting/bookinfo-ws-setting unchanged');
});

test('apply of an invalid document fails with file:line:col, code, object and path, and applies nothing', () => {
  const bad = file(
    'bad.yaml',
    `apiVersion: api.tsb.tetrate.io/v2\nkind: Tenant\nmetadata:\n  organization: tetrate\n  name: fine\n---\n` +
      `apiVersion: api.tsb.tetrate.io/v2\nkind: WorkspaceSetting\nmetadata:\n  organization: \${ORG}\n  name: s\n`,
  );
  const r = cli('apply', '-f', bad);
  assert.equal(r.code, 1);
  const lines = r.err.trim().split('\n');
  assert.equal(lines[0], 'meshbridge: [MB9003] 3 error(s) in the submitted documents; nothing was applied');
  const where = (line: number, col: number) => `${bad}:${line}:${col}`;
  assert.deepEqual(lines.slice(1), [
    `${where(10, 17)} error [MB0107] WorkspaceSetting/s: metadata.organization: must be lowercase letters, digits, "-", "." or "_", starting and ending alphanumeric`,
    `${where(10, 3)} error [MB0102] WorkspaceSetting/s: metadata.tenant: required`,
    `${where(10, 3)} error [MB0102] WorkspaceSetting/s: metadata.workspace: required`,
    `${where(10, 17)} warning [MB0205] WorkspaceSetting/s: metadata.organization: \${ORG} was not substituted`,
  ]);
  assert.equal(cli('get', 'tenant', 'fine').code, 1, 'the valid document of the file was not applied');
});

test('get lists by short name and shows one object as yaml', () => {
  const list = cli('get', 'wss');
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /^NAME\s+ORGANIZATION\s+TENANT\s+WORKSPACE\s+REVISION\n/);
  assert.match(list.out, /bookinfo-ws-setting\s+tetrate\s+demo\s+bookinfo-ws\s+\d+/);
  const one = cli('get', 'workspace', 'bookinfo-ws', '-o', 'yaml');
  assert.equal(one.code, 0, one.err);
  const obj = parse(one.out) as { kind: string; spec: unknown };
  assert.equal(obj.kind, 'Workspace');
  assert.deepEqual(obj.spec, { namespaceSelector: { names: ['*/bookinfo'] } });
});

test('status prints ACCEPTED, then READY with per-cluster lines once the controller reports', async () => {
  const before = cli('status');
  assert.equal(before.code, 0, before.err);
  assert.match(
    before.out,
    /ACCEPTED\s+WorkspaceSetting\s+organizations\/tetrate\/tenants\/demo\/workspaces\/bookinfo-ws\/settings\/bookinfo-ws-setting/,
  );
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  const res = await mgmtFetch(readFileSync(tlsFiles.ca, 'utf8'))(`${url}/v2/status`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'WorkspaceSetting',
      fqn: 'organizations/tetrate/tenants/demo/workspaces/bookinfo-ws/settings/bookinfo-ws-setting',
      clusters: { 'cluster-1': { state: 'READY', message: '12 WorkloadEntries' } },
    }),
  });
  assert.equal(res.status, 200);
  const one = cli('status', 'wss', 'bookinfo-ws-setting');
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /settings\/bookinfo-ws-setting: READY\n/);
  assert.match(one.out, /cluster cluster-1: READY 12 WorkloadEntries/);
  assert.match(cli('status', 'ws', 'bookinfo-ws').out, /workspaces\/bookinfo-ws: READY/);
});

test('cluster kinds need --cluster; with --cluster, apply/get/delete are the cluster forms of the commands', () => {
  const gw = join(EXAMPLES, 'eastwest-gateway.yaml');
  assert.match(cli('get', 'we').err, /WorkloadEntry is a cluster kind: add --cluster NAME/);
  const noCluster = cli('apply', '-f', gw);
  assert.equal(noCluster.code, 1);
  assert.match(
    noCluster.err,
    /IngressGateway is not a management-plane kind \(a cluster kind: apply it to a cluster with --cluster\)/,
  );
  // With --cluster the cluster command module answers: here no cluster runs, so it asks for `local up`.
  for (const args of [
    ['apply', '-n', 'bookinfo', '-f', gw],
    ['get', 'we', '-n', 'bookinfo'],
    ['delete', 'ingressgateway', 'eastwest-gateway', '-n', 'bookinfo'],
  ]) {
    const r = cli('--cluster', 'cluster-2', ...args);
    assert.equal(r.code, 1);
    assert.match(r.err, /no kubeconfig at .*kubeconfig: run `meshbridge local up` first/);
  }
});

test('token create writes a 0600 token file; a reader token may read but not apply', () => {
  const made = cli('token', 'create', '--role', 'reader', '--name', 'ci-reader', '--home', home);
  assert.equal(made.code, 0, made.err);
  const tokenFile = join(home, 'tokens', 'ci-reader');
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  assert.ok(!made.out.includes(readFileSync(tokenFile, 'utf8').trim()), 'the secret is not printed');
  assert.equal(cli('get', 'org', '--token-file', tokenFile).code, 0);
  const denied = cli('apply', '-f', join(home, 'hier.yaml'), '--token-file', tokenFile);
  assert.equal(denied.code, 1);
  assert.match(denied.err, /\[MB9002\] role reader may not write/);
  assert.match(cli('token', 'create', '--role', 'tenant-admin', '--name', 'x', '--home', home).err, /needs --org/);
});

test('delete by kind and name, and delete -f, remove objects children first', () => {
  const r = cli('delete', 'wss', 'bookinfo-ws-setting');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim(), 'WorkspaceSetting/bookinfo-ws-setting deleted');
  const refused = cli('delete', 'org', 'tetrate');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /\[MB9006\].*still has Tenant\/organizations\/tetrate\/tenants\/demo/);
  const all = cli('delete', '-f', join(home, 'hier.yaml'));
  assert.equal(all.code, 0, all.err);
  assert.deepEqual(all.out.trim().split('\n'), [
    'Workspace/bookinfo-ws deleted',
    'Tenant/demo deleted',
    'Organization/tetrate deleted',
  ]);
});

test('the server restarted on the same home keeps its objects and admin token', async () => {
  assert.equal(cli('apply', '-f', join(home, 'hier.yaml')).code, 0);
  const token = readFileSync(join(home, 'admin-token'), 'utf8');
  await stopServer();
  url = await startServer();
  assert.equal(readFileSync(join(home, 'admin-token'), 'utf8'), token);
  const r = cli('get', 'ws');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /bookinfo-ws\s+tetrate\s+demo/);
});
