/**
 * Test support for suites that run real cluster processes: makes sure the compiled `dist/` is fresh, picks a
 * random loopback block so suites do not collide, and finds pod processes through /proc.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, EXAMPLES } from '../support/paths.js';

function newest(dir: string): number {
  let max = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const st = statSync(full);
    max = Math.max(max, st.isDirectory() ? newest(full) : st.mtimeMs);
  }
  return max;
}

/** Runs `npm run build` when dist/local/cluster-main.js is missing or older than any source file. */
export function ensureBuilt(): void {
  const main = join(REPO_ROOT, 'dist', 'local', 'cluster-main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(REPO_ROOT, 'src'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
}

/**
 * A loopback block base leaving room for two clusters (`127.<base+1>`, `127.<base+2>`): MESHBRIDGE_IP_BLOCK_BASE
 * when it is set (machines shared by several runs give each its own block), else a random one.
 */
export function randomBlockBase(): number {
  const set = Number(process.env.MESHBRIDGE_IP_BLOCK_BASE);
  if (process.env.MESHBRIDGE_IP_BLOCK_BASE && Number.isInteger(set)) return set;
  return 20 + Math.floor(Math.random() * 200);
}

const APP = join(REPO_ROOT, 'test', 'local', 'fixtures', 'tiny-app.mjs');
const SLEEP = join(REPO_ROOT, 'test', 'local', 'fixtures', 'sleep.mjs');

/** Image map for tests: the upstream bookinfo images run the tiny app, the curl image the sleep pod. */
export function testImageMap(): string {
  const map: Record<string, unknown> = { 'curlimages/curl': { entry: SLEEP, kind: 'sleep' } };
  for (const name of ['details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1']) {
    map[`docker.io/istio/examples-bookinfo-${name}`] = APP;
  }
  return JSON.stringify(map);
}

/** The project's bookinfo example. */
export const BOOKINFO_YAML = join(EXAMPLES, 'bookinfo.yaml');

/** Pids of live processes whose environment contains `marker` (e.g. `MESHBRIDGE_POD_OWNER=<dir>`), with POD_NAME. */
export function processesWith(marker: string): { pid: number; pod: string }[] {
  const out: { pid: number; pod: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (/\) Z /.test(readFileSync(`/proc/${name}/stat`, 'utf8'))) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (!env.includes(marker)) continue;
      const pod = env.find((e) => e.startsWith('POD_NAME='))?.slice('POD_NAME='.length) ?? '';
      out.push({ pid: Number(name), pod });
    } catch {
      // gone or not readable
    }
  }
  return out;
}

/** True when the pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `check` until it returns a value (not undefined) or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
