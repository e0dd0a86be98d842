/**
 * Owner-only permissions for everything under `$MESHBRIDGE_HOME`: the stores (SQLite files with their `-wal` and
 * `-shm`), kubeconfig, API tokens, CA and workload keys, logs and pid files are readable by nobody but the user who
 * runs `local up`. New files get it from the process umask (`OWNER_ONLY_UMASK`, set by every process that writes
 * there); homes made by older versions, which wrote 0755 directories and 0644 files, are tightened by `local up`.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The umask of processes writing under the home: new directories 0700, new files 0600. */
export const OWNER_ONLY_UMASK = 0o077;

/** Deepest directory level tightened (a home is a few levels deep; pod directories are the deepest). */
const MAX_DEPTH = 16;

/**
 * The entries of a home that meshbridge writes. Only these are tightened: `MESHBRIDGE_HOME` may name a directory
 * that holds other things too (even the user's home), whose modes are not ours to change.
 */
const HOME_ENTRIES =
  /^(kubeconfig|ca|api-ca|clusters|control|supervisor|pids|demo|tokens|admin-token|mgmt\.json|mgmt\.db(-wal|-shm|-journal)?)$/;

/** Makes `home` 0700 and tightens the entries meshbridge writes in it (`tightenTree` on each). */
export function tightenHome(home: string): number {
  let changed = tightenTree(home, 0);
  let names: string[] = [];
  try {
    names = readdirSync(home);
  } catch {
    return changed;
  }
  for (const name of names) if (HOME_ENTRIES.test(name)) changed += tightenTree(join(home, name));
  return changed;
}

/** Creates `dir` (and parents) when missing and makes it 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Sets directories to 0700 and regular files to 0600 under `root` (inclusive), `maxDepth` levels down. Symbolic
 * links are not followed (a link could point outside the home), sockets and other special files are left alone.
 * Files that vanish while the walk runs (a pod exiting) are skipped. Returns how many entries changed mode.
 */
export function tightenTree(root: string, maxDepth = MAX_DEPTH): number {
  let changed = 0;
  const visit = (path: string, depth: number): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      return;
    }
    const want = stat.isDirectory() ? 0o700 : stat.isFile() ? 0o600 : undefined;
    if (want === undefined) return;
    if ((stat.mode & 0o777) !== want) {
      try {
        chmodSync(path, want);
        changed++;
      } catch {
        return;
      }
    }
    if (!stat.isDirectory() || depth >= maxDepth) return;
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const name of names) visit(join(path, name), depth + 1);
  };
  visit(root, 0);
  return changed;
}
