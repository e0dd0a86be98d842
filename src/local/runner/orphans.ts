/**
 * Orphan cleanup: after the cluster process was killed (kill -9), its pod processes may still run and hold their
 * addresses. The pod runner records their pids; at the next start, recorded pids that still carry this cluster's
 * owner marker in their environment are killed (the marker guards against reused pids).
 */
import { readFileSync } from 'node:fs';

/** Environment variable marking a process as a pod of a given cluster state dir (checked before killing orphans). */
export const POD_OWNER_ENV = 'MESHBRIDGE_POD_OWNER';

/** Kills pod processes recorded in `pidFile` that still carry this cluster's owner marker. */
export function killOrphans(pidFile: string, podsDir: string): void {
  let pids: number[] = [];
  try {
    pids = JSON.parse(readFileSync(pidFile, 'utf8')) as number[];
  } catch {
    return;
  }
  const killed: number[] = [];
  for (const pid of pids) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (environ.includes(`${POD_OWNER_ENV}=${podsDir}`)) {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      }
    } catch {
      // Already gone, or not ours to read: nothing to kill.
    }
  }
  // Wait (briefly, synchronously: this runs once at startup) until they are gone, so their addresses are free.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 100 && killed.some((pid) => alive(pid)); i++) Atomics.wait(pause, 0, 0, 20);
}

function alive(pid: number): boolean {
  try {
    // A zombie still has a /proc entry; its state letter is Z.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
