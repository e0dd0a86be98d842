/**
 * The chaos suite: every case of cases/index.ts under a steady load of productpage requests in cluster-1, with
 * cluster-2 as the failover target, on one shared pair of local clusters (support.ts). Each case reports requests
 * sent, failed, and its time to recover, and expects 0 failed unless it says why no healthy copy exists.
 * The management plane of the bed runs on PostgreSQL, the production store: `MESHBRIDGE_TEST_PG_URL` when set (CI's
 * server, .ci/run), otherwise a throwaway server made with initdb; with neither the suite fails, naming what is
 * missing (never skipped). `MESHBRIDGE_CHAOS_KEEP_HOME=1` keeps the bed's home (pod logs, cluster stores) for a
 * post-mortem; its path is printed as `# chaos home: ...`.
 */
import { test, before, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../local/process-support.js';
import { startTestPostgres, type TestPostgres } from '../mgmt/support/postgres.js';
import { ChaosBed } from './support.js';
import { CHAOS_CASES } from './cases/index.js';

const home = mkdtempSync(join(tmpdir(), 'mb-chaos-'));
if (process.env.MESHBRIDGE_CHAOS_KEEP_HOME) console.log(`# chaos home: ${home}`);
// A loopback block of our own (127.<base+k>.*), so suites running beside this one never share pod addresses.
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(100 + Math.floor(Math.random() * 100));
const kubectlPath = execFileSync('sh', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
if (!kubectlPath) throw new Error('kubectl is not installed: the chaos suite sets up clusters with real kubectl');
const bed = new ChaosBed(home);
let postgres: TestPostgres | undefined;

before(async () => {
  ensureBuilt();
  postgres = await startTestPostgres();
  // `local up` passes its environment to the control process and to the supervisor that restarts it.
  process.env.MESHBRIDGE_STORE = await postgres.createDatabase();
  await bed.setUp(kubectlPath);
});

after(async () => {
  await bed.tearDown();
  await postgres?.stop();
  if (!process.env.MESHBRIDGE_CHAOS_KEEP_HOME) rmSync(home, { recursive: true, force: true });
});

CHAOS_CASES.forEach((c, i) => {
  // Up to 10 s of load, 30 s to recover, and entering or leaving a topology (pods start, entries, readiness).
  test(c.name, { timeout: 240_000 }, async () => {
    await bed.run(c, CHAOS_CASES[i + 1]);
  });
});
