/**
 * Reads what built-in apps received (src/local/images/counters.ts): each app keeps `<app>.counters.json` in its
 * pod's state directory, `$MESHBRIDGE_HOME/clusters/<cluster>/pods/<namespace>_<pod>/`. Tests use it to assert that
 * 0 bytes reached any application after a refused connection.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLUSH_DEBOUNCE_MS, type AppCountersFile } from '../../src/local/images/counters.js';

/** One app's counters, with where they came from. */
export interface AppCounters extends AppCountersFile {
  /** Cluster name (empty when read from a bare directory). */
  cluster: string;
  file: string;
}

/** The counters files in one directory (a pod's state directory). A missing directory has none. */
export function readCountersIn(dir: string, cluster = ''): AppCounters[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.counters.json'))
    .map((f) => {
      const file = join(dir, f);
      return { ...(JSON.parse(readFileSync(file, 'utf8')) as AppCountersFile), cluster, file };
    });
}

/** Every built-in app's counters under a meshbridge home (all clusters, all pods), sorted by file. */
export function readAllAppCounters(home: string): AppCounters[] {
  const clustersDir = join(home, 'clusters');
  if (!existsSync(clustersDir)) return [];
  const out: AppCounters[] = [];
  for (const cluster of readdirSync(clustersDir)) {
    const pods = join(clustersDir, cluster, 'pods');
    if (!existsSync(pods)) continue;
    for (const pod of readdirSync(pods)) out.push(...readCountersIn(join(pods, pod), cluster));
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Bytes per app file, e.g. to compare before/after (`{ '<file>': bytes }`). */
export function bytesByApp(counters: readonly AppCounters[]): Record<string, number> {
  return Object.fromEntries(counters.map((c) => [c.file, c.bytes]));
}

/** Waits long enough for every app to have flushed what it received (a few debounce periods). */
export function settleCounters(): Promise<void> {
  return new Promise((r) => setTimeout(r, FLUSH_DEBOUNCE_MS * 4));
}
