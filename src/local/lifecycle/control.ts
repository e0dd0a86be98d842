/**
 * The shared process of the local clusters (`dist/local/control-main.js`): management plane + federation
 * controller. Started by `local up` after the clusters (it registers them), stopped by `local down`; idempotent
 * like the clusters, and restarted when it died.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, isAlive, signal, spawnDetached, waitUntil } from './processes.js';

const CONTROL_MAIN = fileURLToPath(new URL('../../../dist/local/control-main.js', import.meta.url));

/** Files of the shared process under `$MESHBRIDGE_HOME/control`. */
export const controlPaths = (home: string) => {
  const dir = join(home, 'control');
  return { dir, pid: join(dir, 'control.pid'), ready: join(dir, 'ready.json'), log: join(dir, 'control.log') };
};

/** The shared process's pid when it is alive and really ours. */
export function controlPid(home: string): number | undefined {
  const { pid: file } = controlPaths(home);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes('control-main.js')
    ? pid
    : undefined;
}

/** Where the running shared process serves the management plane. */
export function controlUrl(home: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(controlPaths(home).ready, 'utf8')) as { url?: string }).url;
  } catch {
    return undefined;
  }
}

/** Starts the shared process unless it runs; resolves with its pid and management-plane URL once it is ready. */
export async function startControl(options: {
  home: string;
  organization: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<{ pid: number; url: string; action: 'started' | 'running' }> {
  const paths = controlPaths(options.home);
  const live = controlPid(options.home);
  const url = controlUrl(options.home);
  if (live !== undefined && url) return { pid: live, url, action: 'running' };
  if (live !== undefined) signal(live, 'SIGKILL');
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  rmSync(paths.ready, { force: true });
  const pid = spawnDetached({
    entry: CONTROL_MAIN,
    args: [options.home, options.organization],
    logFile: paths.log,
    pidFile: paths.pid,
    env: options.env ?? process.env,
    what: 'the management plane process',
  });
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

/** Stops the shared process; true when one was running. */
export async function stopControl(home: string): Promise<boolean> {
  const paths = controlPaths(home);
  const pid = controlPid(home);
  if (pid !== undefined) {
    signal(pid, 'SIGTERM');
    if (!(await waitUntil(() => !isAlive(pid), 8000))) signal(pid, 'SIGKILL');
  }
  rmSync(paths.pid, { force: true });
  rmSync(paths.ready, { force: true });
  return pid !== undefined;
}
