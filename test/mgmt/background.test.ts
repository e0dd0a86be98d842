import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ensureMgmtRunning, stopMgmt } from '../../src/mgmt/background.js';
import { ensureBuilt } from '../local/process-support.js';
import { call, org } from './support/harness.js';

const home = mkdtempSync(join(tmpdir(), 'mb-bg-'));
after(async () => {
  await stopMgmt(home);
  rmSync(home, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the background management plane starts once, is reused, stops, and keeps its state across a restart', async () => {
  ensureBuilt();
  const first = await ensureMgmtRunning({ home });
  assert.equal(first.action, 'started');
  assert.deepEqual((await call(first.url, 'GET', '/healthz')).json, { ok: true, store: 'sqlite' });
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  assert.equal((await call(first.url, 'POST', '/v2/apply', { token, body: { objects: [org('kept')] } })).status, 200);

  const again = await ensureMgmtRunning({ home });
  assert.deepEqual(again, { ...first, action: 'running' }, 'a live server is reused, not started twice');

  assert.equal(await stopMgmt(home), true);
  assert.equal(alive(first.pid), false, 'the server process is gone');
  assert.equal(existsSync(join(home, 'mgmt.pid')), false);
  assert.equal(await stopMgmt(home), false, 'stopping twice is harmless');

  const restarted = await ensureMgmtRunning({ home });
  assert.equal(restarted.action, 'started');
  assert.notEqual(restarted.pid, first.pid);
  const kept = await call(restarted.url, 'GET', '/v2/objects/Organization/kept', { token });
  assert.equal(kept.status, 200, 'objects and the admin token survive the restart');
});
