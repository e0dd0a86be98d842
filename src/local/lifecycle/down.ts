/**
 * `local down`: stops every cluster under `$MESHBRIDGE_HOME` — SIGTERM to the cluster process (it stops its pods
 * gracefully), then SIGKILL to whatever is left of its process group — so no process stays behind.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { clusterPaths, homePaths } from '../config.js';
import { groupMembers, signal, waitUntil } from './processes.js';
import { killLeftovers, runningPid } from './up.js';

/** What `local down` did for one cluster. */
export interface DownResult {
  readonly name: string;
  readonly stopped: boolean;
}

/** Stops all clusters; resolves when their processes are gone. */
export async function localDown(home: string): Promise<DownResult[]> {
  const dir = homePaths(home).clusters;
  if (!existsSync(dir)) return [];
  const results: DownResult[] = [];
  await Promise.all(
    readdirSync(dir).map(async (name) => {
      const clusterDir = join(dir, name);
      const paths = clusterPaths(clusterDir);
      const pid = runningPid(clusterDir);
      if (pid !== undefined) {
        signal(pid, 'SIGTERM');
        await waitUntil(() => groupMembers(pid).length === 0, 8000);
      }
      await killLeftovers(clusterDir);
      rmSync(paths.pid, { force: true });
      rmSync(paths.ready, { force: true });
      results.push({ name, stopped: pid !== undefined });
    }),
  );
  rmSync(homePaths(home).pids, { force: true });
  return results.sort((a, b) => a.name.localeCompare(b.name));
}
