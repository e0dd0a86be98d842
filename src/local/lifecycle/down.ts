/**
 * `local down`: stops supervision first (nothing restarts what is being stopped), then every cluster under
 * `$MESHBRIDGE_HOME` — SIGTERM to the cluster process (it stops its pods gracefully), then SIGKILL to whatever is
 * left of its process group — and finally every process still carrying the home's owner marker in its environment
 * (processes.ts): pods adopted by a later cluster process (they are in an older process group), and everything
 * when the home's state files are gone (`rm -rf` of the home). No process stays behind.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clusterPaths, homePaths } from '../config.js';
import {
  commandLine,
  groupMembers,
  isAlive,
  OWNER_HOME_ENV,
  processesWithEnv,
  signal,
  waitUntil,
} from './processes.js';
import { stopSupervision } from './supervisor.js';
import { runningPid } from './up.js';
import { stopLb } from './lb-process.js';

/** What `local down` did for one cluster. */
export interface DownResult {
  readonly name: string;
  readonly stopped: boolean;
}

/** Options of `local down`. */
export interface DownOptions {
  /** Told how many processes were found by the home's marker alone (no cluster process owned them any more). */
  readonly onStrays?: (count: number) => void;
}

/** Stops all clusters and every other process of the home; resolves when they are gone. */
export async function localDown(homeArg: string, options: DownOptions = {}): Promise<DownResult[]> {
  const home = resolve(homeArg);
  await stopSupervision(home);
  const dir = homePaths(home).clusters;
  const results: DownResult[] = [];
  if (existsSync(dir)) {
    await Promise.all(
      readdirSync(dir).map(async (name) => {
        const clusterDir = join(dir, name);
        const paths = clusterPaths(clusterDir);
        const pid = runningPid(clusterDir);
        if (pid !== undefined) {
          signal(pid, 'SIGTERM');
          await waitUntil(() => groupMembers(pid).length === 0, 8000);
          for (const member of groupMembers(pid)) signal(member, 'SIGKILL');
        }
        rmSync(paths.pid, { force: true });
        rmSync(paths.ready, { force: true });
        // After its cluster: the addresses stay served until the pods behind them are gone.
        await stopLb(clusterDir);
        results.push({ name, stopped: pid !== undefined });
      }),
    );
  }
  const strays = await stopMarked(home);
  if (strays > 0) options.onStrays?.(strays);
  rmSync(homePaths(home).pids, { force: true });
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Kills every process marked with `home`: supervisors first (so none restarts what follows), then cluster and
 * control processes, then the rest; repeated until none is left (a bounded number of rounds).
 */
async function stopMarked(home: string): Promise<number> {
  const seen = new Set<number>();
  for (let round = 0; round < 5; round++) {
    const marked = processesWithEnv(OWNER_HOME_ENV, home);
    if (marked.length === 0) break;
    const rank = (pid: number): number => {
      const cmd = commandLine(pid);
      if (cmd.includes('supervisor-main.js')) return 0;
      return ['cluster-main.js', 'control-main.js', 'lb-main.js'].some((e) => cmd.includes(e)) ? 1 : 2;
    };
    for (const level of [0, 1, 2]) {
      const batch = marked.filter((pid) => rank(pid) === level);
      for (const pid of batch) {
        seen.add(pid);
        signal(pid, 'SIGKILL');
      }
      // Gone means no longer alive: a process being torn down has already lost its environment (its marker no
      // longer reads) while it still exists.
      await waitUntil(() => batch.every((pid) => !isAlive(pid)), 3000);
    }
  }
  return seen.size;
}
