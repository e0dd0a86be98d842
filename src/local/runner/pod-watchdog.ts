/**
 * Preloaded into every pod process (`node --import dist/local/runner/pod-watchdog.js <entry>`, container-process.ts):
 * a pod outlives a crash of its cluster process on purpose (the restarted cluster process adopts it, adoption.ts),
 * but it must not outlive its cluster for good. Every few seconds it checks that the cluster process recorded in
 * `<cluster dir>/cluster.pid` is alive and is a cluster process; after {@link ORPHAN_EXIT_MS} (default 60 s, or
 * `MESHBRIDGE_ORPHAN_EXIT_MS`) without one, it ends the process. The timer is unref'd: it never keeps a pod alive.
 *
 * Self-contained on purpose (only node:fs and node:path): it runs in every pod before the pod's own code.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Default time an orphaned pod waits for its cluster process to come back before it exits. */
export const ORPHAN_EXIT_MS = 60_000;
const CHECK_MS = 2_000;

function clusterProcessAlive(clusterDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(clusterDir, 'cluster.pid'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cluster-main.js');
  } catch {
    // No pid file (home removed), or no such process.
    return false;
  }
}

const owner = process.env.MESHBRIDGE_POD_OWNER;
if (owner) {
  const clusterDir = dirname(owner);
  const configured = Number(process.env.MESHBRIDGE_ORPHAN_EXIT_MS);
  const limitMs = Number.isInteger(configured) && configured > 0 ? configured : ORPHAN_EXIT_MS;
  let lostSince: number | undefined;
  const timer = setInterval(
    () => {
      if (clusterProcessAlive(clusterDir)) {
        lostSince = undefined;
        return;
      }
      lostSince ??= Date.now();
      if (Date.now() - lostSince < limitMs) return;
      process.stderr.write(`pod-watchdog: no cluster process for ${clusterDir} for ${limitMs} ms; exiting\n`);
      process.exit(0);
    },
    Math.min(CHECK_MS, limitMs),
  );
  timer.unref();
}
