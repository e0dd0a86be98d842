/**
 * `meshbridge controller --leader-elect` as two real processes sharing one Lease on an embedded cluster API: one
 * leads and the other stands by (ready, as its probe says); kill -9 of the leader hands the lease to the other
 * within 15 s (a 12 s lease plus one retry period), without any command; SIGTERM of a leader releases it at once.
 * The management plane is unreachable on purpose: election does not depend on it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedApi, kubeconfigFor } from './support/embedded-api.js';
import { ensureBuilt } from '../local/process-support.js';
import { REPO_ROOT } from '../support/paths.js';

const api = new EmbeddedApi();
let dir: string;
const children: ChildProcess[] = [];

before(async () => {
  ensureBuilt();
  await api.start();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'meshbridge' } });
  dir = mkdtempSync(join(tmpdir(), 'mb-leader-proc-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor({ mgmt: api }));
  writeFileSync(join(dir, 'token'), 'not-used-the-management-plane-is-unreachable\n', { mode: 0o600 });
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Replica {
  readonly child: ChildProcess;
  log: string;
  health?: string;
}

function replica(): Replica {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin', 'meshbridge.js'),
      'controller',
      '--mgmt',
      'https://127.0.0.1:9',
      '--token-file',
      join(dir, 'token'),
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--leader-elect',
      '--leader-elect-kubeconfig',
      join(dir, 'kubeconfig'),
      '--leader-elect-namespace',
      'meshbridge',
      '--health-listen',
      '127.0.0.1:0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MESHBRIDGE_HOME: dir } },
  );
  children.push(child);
  const r: Replica = { child, log: '' };
  child.stderr!.on('data', (chunk: Buffer) => {
    r.log += chunk.toString();
    r.health ??= /health and metrics on (http:\/\/\S+)/.exec(r.log)?.[1];
  });
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`no ${what} within ${ms} ms`);
    await sleep(50);
  }
  return Date.now() - start;
}
const leading = (r: Replica) => /leader election: leading/.test(r.log);
const holder = () => (api.list('Lease', 'meshbridge')[0] as { spec?: { holderIdentity?: string } } | undefined)?.spec;

test('two controller processes: one leads, kill -9 hands over within the lease, SIGTERM releases', async () => {
  const a = replica();
  await until('a leading', () => leading(a), 30_000);
  const b = replica();
  await until("b's health listener", () => b.health !== undefined, 30_000);
  await sleep(3_000);
  assert.ok(!leading(b), 'b stands by while a renews');
  assert.match(holder()?.holderIdentity ?? '', new RegExp(`_${a.child.pid}$`));
  const ready = await fetch(`${b.health}/readyz`);
  assert.deepEqual({ status: ready.status, text: await ready.text() }, { status: 200, text: 'standby\n' });

  a.child.kill('SIGKILL');
  const tookOver = await until('b taking over', () => leading(b), 25_000);
  process.stdout.write(`# leader killed -9: the standby led ${tookOver} ms later\n`);
  assert.ok(tookOver <= 15_000, `took over in ${tookOver} ms`);
  assert.match(holder()?.holderIdentity ?? '', new RegExp(`_${b.child.pid}$`));

  const c = replica();
  await until("c's health listener", () => c.health !== undefined, 30_000);
  const released = Date.now();
  b.child.kill('SIGTERM');
  await until('b to exit', () => b.child.exitCode !== null, 10_000);
  // Released: empty, or already c's (c may take a released lease before this line reads it; a CI run saw that).
  const after = holder()?.holderIdentity ?? '';
  assert.ok(
    after === '' || after.endsWith(`_${c.child.pid}`),
    `b released the lease on its way out (holder now ${JSON.stringify(after)}, b is ${b.child.pid})`,
  );
  const handover = await until('c leading after the release', () => leading(c), 10_000);
  process.stdout.write(`# leader stopped (SIGTERM): the standby led ${Date.now() - released} ms after the signal\n`);
  assert.ok(Date.now() - released < 15_000, `c led ${handover} ms after b exited, without waiting out the lease`);
  c.child.kill('SIGTERM');
});
