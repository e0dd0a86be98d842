/**
 * A real `local up` (cluster process, real kubectl): the kubeconfig carries the cluster's own random token and
 * works; a kubeconfig with another token is refused and changes nothing; everything under the home is owner-only
 * (0700 directories, 0600 files: stores with their -wal/-shm, kubeconfig, tokens, CA keys, logs, pid files), also
 * for a home an older version left at 0755/0644; and `local up` run again keeps the same token (idempotent).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { localDown } from '../../src/local/lifecycle/down.js';
import { localUp } from '../../src/local/lifecycle/up.js';
import { parseClusterSpecs } from '../../src/local/config.js';
import { ensureBuilt, randomBlockBase } from '../local/process-support.js';

const home = mkdtempSync(join(tmpdir(), 'mb-sec-home-'));
const env = { ...process.env, MESHBRIDGE_HOME: home, MESHBRIDGE_IP_BLOCK_BASE: String(randomBlockBase()) };
const clusters = parseClusterSpecs('cluster-1=eu-west-2/eu-west-2a');
const kubeconfig = join(home, 'kubeconfig');
/** A file of the user's own in the home: `local up` leaves its mode alone. */
const notMine = join(home, 'notes.txt');

function kubectl(config: string, ...args: string[]): { status: number; out: string; err: string } {
  const res = spawnSync('/usr/bin/kubectl', ['--kubeconfig', config, '--context', 'cluster-1', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: res.status ?? -1, out: res.stdout, err: res.stderr };
}

/** Every path under root whose mode is not 0700 (directories) / 0600 (files), with its mode. */
function loose(root: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) out.push(`${p} ${mode.toString(8)}`);
      for (const n of readdirSync(p)) walk(join(p, n));
    } else if (st.isFile() && mode !== 0o600 && p !== notMine) out.push(`${p} ${mode.toString(8)}`);
  };
  walk(root);
  return out;
}

const tokenOf = (): string =>
  (parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token: string } }[] }).users[0]?.user.token ?? '';

before(async () => {
  ensureBuilt();
  await localUp({ home, clusters, env });
});
after(async () => {
  await localDown(home);
  rmSync(home, { recursive: true, force: true });
});

test('the kubeconfig holds a random 256-bit token and real kubectl works with it', () => {
  assert.match(tokenOf(), /^[A-Za-z0-9_-]{43,}$/);
  assert.notEqual(tokenOf(), 'meshbridge-local');
  const res = kubectl(kubeconfig, 'get', 'namespaces', '-o', 'name');
  assert.equal(res.status, 0, res.err);
  assert.match(res.out, /namespace\/default/);
});

test('real kubectl with another token is refused (401) and creates nothing', () => {
  const forged = join(home, 'forged-kubeconfig');
  writeFileSync(forged, readFileSync(kubeconfig, 'utf8').replace(tokenOf(), 'A'.repeat(43)), { mode: 0o600 });
  const res = kubectl(forged, 'create', 'namespace', 'forged');
  assert.notEqual(res.status, 0);
  assert.match(res.err, /Unauthorized|must be logged in/i);
  rmSync(forged);
  const check = kubectl(kubeconfig, 'get', 'namespace', 'forged');
  assert.notEqual(check.status, 0);
  assert.match(check.err, /NotFound|not found/);
});

test('everything under the home is owner-only while the cluster runs (stores with -wal/-shm, logs, keys)', () => {
  const files = readdirSync(join(home, 'clusters', 'cluster-1'));
  for (const f of ['store.db', 'api-token', 'cluster.log', 'cluster.pid']) assert.ok(files.includes(f), f);
  assert.ok(
    files.some((f) => f.endsWith('-wal') || f.endsWith('-shm')),
    `no WAL files among ${files.join(' ')}`,
  );
  assert.ok(existsSync(join(home, 'ca')));
  assert.deepEqual(loose(home), []);
});

test('a home an older version left at 0755/0644 is tightened by local up, which keeps the same token', async () => {
  const token = tokenOf();
  await localDown(home);
  const widen = (p: string): void => {
    const st = lstatSync(p);
    if (st.isDirectory()) {
      chmodSync(p, 0o755);
      for (const n of readdirSync(p)) widen(join(p, n));
    } else if (st.isFile()) chmodSync(p, 0o644);
  };
  widen(home);
  writeFileSync(notMine, 'mine\n', { mode: 0o644 });
  chmodSync(notMine, 0o644);
  assert.notDeepEqual(loose(home), []);
  await localUp({ home, clusters, env });
  assert.deepEqual(loose(home), []);
  assert.equal(lstatSync(notMine).mode & 0o777, 0o644);
  assert.equal(tokenOf(), token);
  const res = kubectl(kubeconfig, 'get', 'namespaces', '-o', 'name');
  assert.equal(res.status, 0, res.err);
});

test('local up on a running cluster is idempotent and keeps the token', async () => {
  const token = tokenOf();
  const again = await localUp({ home, clusters, env });
  assert.equal(again[0]?.action, 'running');
  assert.equal(tokenOf(), token);
  assert.equal(kubectl(kubeconfig, 'get', 'pods', '-A').status, 0);
});
