/**
 * The management plane as a background process, for `local up` / `local down`: `ensureMgmtRunning` starts the
 * compiled server (`dist/cli/main.js server`) detached, logging to `<home>/mgmt.log`, records `<home>/mgmt.pid` and
 * resolves once `<home>/mgmt.json` names a URL whose /healthz answers; it is idempotent (a live server is reused).
 * `stopMgmt` ends it. State (store, admin token) stays in the home, so a restart keeps everything.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI (from src/mgmt under tsx, or from dist/mgmt, both resolve to <repo>/dist/cli/main.js). */
const CLI_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Options of `ensureMgmtRunning`. */
export interface BackgroundOptions {
  home: string;
  /** Default `127.0.0.1:0` (a free port; the URL goes to mgmt.json). */
  listen?: string;
  /** Store URL; default the SQLite file in the home. */
  store?: string;
  /** How long to wait for the server to answer (default 20 s). */
  timeoutMs?: number;
}

/** A running background management plane. */
export interface BackgroundMgmt {
  url: string;
  pid: number;
  action: 'started' | 'running';
}

const files = (home: string) => ({
  pid: join(home, 'mgmt.pid'),
  info: join(home, 'mgmt.json'),
  log: join(home, 'mgmt.log'),
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The recorded server pid when that process is alive and is our server (a recycled pid is not). */
function livePid(home: string): number | undefined {
  const f = files(home);
  if (!existsSync(f.pid)) return undefined;
  const pid = Number(readFileSync(f.pid, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('server') && cmdline.includes(home) ? pid : undefined;
  } catch {
    return pid;
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

function recordedUrl(home: string, notBefore = 0): string | undefined {
  const f = files(home).info;
  if (!existsSync(f) || statSync(f).mtimeMs < notBefore) return undefined;
  try {
    return (JSON.parse(readFileSync(f, 'utf8')) as { url?: string }).url;
  } catch {
    return undefined;
  }
}

/** Starts the background management plane unless one already runs for this home. */
export async function ensureMgmtRunning(opts: BackgroundOptions): Promise<BackgroundMgmt> {
  const f = files(opts.home);
  const running = livePid(opts.home);
  const knownUrl = recordedUrl(opts.home);
  if (running !== undefined && knownUrl !== undefined && (await healthy(knownUrl))) {
    return { url: knownUrl, pid: running, action: 'running' };
  }
  if (running !== undefined) await stopMgmt(opts.home);
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run npm run build`);
  mkdirSync(opts.home, { recursive: true, mode: 0o700 });
  const args = [CLI_MAIN, 'server', '--listen', opts.listen ?? '127.0.0.1:0', '--home', opts.home];
  if (opts.store !== undefined) args.push('--store', opts.store);
  const startedAt = Date.now();
  const log = openSync(f.log, 'a');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the management plane');
  child.unref();
  writeFileSync(f.pid, String(pid));
  const deadline = startedAt + (opts.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (!alive(pid)) break;
    // mgmt.json is rewritten by this server once it listens; an older file names a previous run's port.
    const url = recordedUrl(opts.home, startedAt - 1000);
    if (url !== undefined && (await healthy(url))) return { url, pid, action: 'started' };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopMgmt(opts.home);
  throw new Error(`the management plane did not start; see ${f.log}`);
}

/** Stops the background management plane of this home; resolves true when one was running. */
export async function stopMgmt(home: string, timeoutMs = 8000): Promise<boolean> {
  const pid = livePid(home);
  rmSync(files(home).pid, { force: true });
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}
