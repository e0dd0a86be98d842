/**
 * The chaos suite: every case of cases/index.ts under a steady load of productpage requests in cluster-1, with
 * cluster-2 as the failover target, on one shared pair of local clusters (support.ts). Each case reports requests
 * sent, failed, and its time to recover, and expects 0 failed unless it says why no healthy copy exists.
 */
import { test, before, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../local/process-support.js';
import { ChaosBed } from './support.js';
import { CHAOS_CASES } from './cases/index.js';

const home = mkdtempSync(join(tmpdir(), 'mb-chaos-'));
// A loopback block of our own (127.<base+k>.*), so suites running beside this one never share pod addresses.
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(100 + Math.floor(Math.random() * 100));
const kubectlPath = execFileSync('sh', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
if (!kubectlPath) throw new Error('kubectl is not installed: the chaos suite sets up clusters with real kubectl');
const bed = new ChaosBed(home);

before(async () => {
  ensureBuilt();
  await bed.setUp(kubectlPath);
});

after(async () => {
  await bed.tearDown();
  rmSync(home, { recursive: true, force: true });
});

for (const c of CHAOS_CASES) {
  test(c.name, { timeout: 120_000 }, async () => {
    await bed.run(c);
  });
}
