/**
 * The lifecycle of a cluster's L4 load balancer process (lb-main.ts): found by pid file and process identity,
 * started detached in its own process group (a kill of the cluster process's group leaves it running), stopped by
 * `local down`. `local up` and the supervisor start it; it needs no ordering with its cluster process: it retries the
 * cluster's API until it answers.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterPaths } from '../config.js';
import { isAlive, recordedPid, spawnDetached, terminate, waitUntil } from './processes.js';

/** The compiled load balancer entry (same relative place from src/local/lifecycle and dist/local/lifecycle). */
export const LB_MAIN = fileURLToPath(new URL('../../../dist/local/lb-main.js', import.meta.url));

/** The pid of the cluster's load balancer process if it is alive and is this home's lb-main. */
export function lbPid(dir: string): number | undefined {
  return recordedPid(clusterPaths(dir).lbPid, 'lb-main.js', dirname(dirname(resolve(dir))));
}

/** Starts the cluster's load balancer process (does not wait); returns its pid. */
export function spawnLb(options: { home: string; dir: string; env: NodeJS.ProcessEnv; name: string }): number {
  const paths = clusterPaths(options.dir);
  rmSync(paths.lbReady, { force: true });
  return spawnDetached({
    entry: LB_MAIN,
    home: options.home,
    args: [options.dir],
    logFile: paths.lbLog,
    pidFile: paths.lbPid,
    env: options.env,
    what: `the load balancer of cluster ${options.name}`,
  });
}

/** Resolves true once the process `pid` wrote its ready file, false when it died or `timeoutMs` passed. */
export async function lbStarted(dir: string, pid: number, timeoutMs: number): Promise<boolean> {
  const paths = clusterPaths(dir);
  await waitUntil(() => {
    if (!isAlive(pid)) return true;
    try {
      return (JSON.parse(readFileSync(paths.lbReady, 'utf8')) as { pid: number }).pid === pid;
    } catch {
      return false;
    }
  }, timeoutMs);
  return isAlive(pid) && existsSync(paths.lbReady);
}

/** Stops the cluster's load balancer process (SIGTERM, then SIGKILL); true when one was running. */
export async function stopLb(dir: string): Promise<boolean> {
  const pid = lbPid(dir);
  const paths = clusterPaths(dir);
  if (pid !== undefined) await terminate(pid);
  rmSync(paths.lbPid, { force: true });
  rmSync(paths.lbReady, { force: true });
  return pid !== undefined;
}
