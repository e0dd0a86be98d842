/**
 * The shared process of the local clusters (`dist/local/control-main.js`): management plane + federation
 * controller. Started by `local up` after the clusters (it registers them), stopped by `local down`; idempotent
 * like the clusters. Once started it is one of the supervisor's targets (supervisor.ts): a crash restarts it.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, recordedPid, signal, spawnDetached, terminate, waitUntil } from './processes.js';
import { pauseSupervision, resumeSupervision, stopSupervision } from './supervisor.js';

const CONTROL_MAIN = fileURLToPath(new URL('../../../dist/local/control-main.js', import.meta.url));

/** Files of the shared process under `$MESHBRIDGE_HOME/control`. */
export const controlPaths = (home: string) => {
  const dir = join(home, 'control');
  return { dir, pid: join(dir, 'control.pid'), ready: join(dir, 'ready.json'), log: join(dir, 'control.log') };
};

/** The shared process's pid when it is alive and really ours. */
export function controlPid(home: string): number | undefined {
  return recordedPid(controlPaths(home).pid, 'control-main.js', resolve(home));
}

/** Where the running shared process serves the management plane. */
export function controlUrl(home: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(controlPaths(home).ready, 'utf8')) as { url?: string }).url;
  } catch {
    return undefined;
  }
}

/** Starts the shared process (does not wait); used by {@link startControl} and the supervisor. */
export function spawnControl(options: { home: string; organization: string; env: NodeJS.ProcessEnv }): number {
  const paths = controlPaths(options.home);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  rmSync(paths.ready, { force: true });
  return spawnDetached({
    entry: CONTROL_MAIN,
    home: options.home,
    args: [options.home, options.organization],
    logFile: paths.log,
    pidFile: paths.pid,
    env: options.env,
    what: 'the management plane process',
  });
}

/**
 * Starts the shared process unless it runs; resolves with its pid and management-plane URL once it is ready, and
 * leaves it supervised.
 */
export async function startControl(options: {
  home: string;
  organization: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<{ pid: number; url: string; action: 'started' | 'running' }> {
  const home = resolve(options.home);
  const env = options.env ?? process.env;
  await pauseSupervision(home);
  try {
    return await startUnsupervised({ ...options, home, env });
  } finally {
    await resumeSupervision({ home, env, control: { organization: options.organization } });
  }
}

async function startUnsupervised(options: {
  home: string;
  organization: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<{ pid: number; url: string; action: 'started' | 'running' }> {
  const paths = controlPaths(options.home);
  const live = controlPid(options.home);
  const url = controlUrl(options.home);
  if (live !== undefined && url) return { pid: live, url, action: 'running' };
  if (live !== undefined) signal(live, 'SIGKILL');
  const pid = spawnControl(options);
  const ready = await waitUntil(
    () => !isAlive(pid) || controlUrl(options.home) !== undefined,
    options.timeoutMs ?? 30_000,
  );
  const started = controlUrl(options.home);
  if (!ready || !isAlive(pid) || !started) {
    const tail = readFileSync(paths.log, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`the management plane process did not become ready (log ${paths.log}):\n${tail}`);
  }
  return { pid, url: started, action: 'started' };
}

/** Stops supervision (`local down`), then the shared process; true when one was running. */
export async function stopControl(home: string): Promise<boolean> {
  await stopSupervision(resolve(home));
  const paths = controlPaths(home);
  const pid = controlPid(home);
  if (pid !== undefined) await terminate(pid, 8000);
  rmSync(paths.pid, { force: true });
  rmSync(paths.ready, { force: true });
  return pid !== undefined;
}
