/**
 * Process bookkeeping for `local up` / `local down` (Linux `/proc`): is a recorded cluster process still ours and
 * alive, and which processes remain in a cluster's process group (its pods, after a `kill -9` of the cluster).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

function stat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** The command line of a process ('' when gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Live processes whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const s = stat(pid);
    if (s && s.pgrp === pgid && s.state !== 'Z') out.push(pid);
  }
  return out;
}

/** Sends a signal, ignoring processes that are already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: already gone.
  }
}

/** Resolves once `check` is true or `timeoutMs` passed; returns the final value of `check`. */
export async function waitUntil(check: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

/**
 * Starts `node <entry> <args>` detached (its own process group, so its pods die with the group), output appended to
 * `logFile`, and records its pid in `pidFile`. Throws when the compiled entry is missing or nothing started.
 */
export function spawnDetached(options: {
  entry: string;
  args: readonly string[];
  logFile: string;
  pidFile: string;
  env: NodeJS.ProcessEnv;
  what: string;
}): number {
  if (!existsSync(options.entry)) throw new Error(`${options.entry} is missing: run \`npm run build\` first`);
  // Owner-only, like everything under the home (permissions.ts): logs can hold request details.
  const log = openSync(options.logFile, 'a', 0o600);
  const child = spawn(process.execPath, [options.entry, ...options.args], {
    detached: true,
    stdio: ['ignore', log, log],
    env: options.env,
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.what}`);
  child.unref();
  writeFileSync(options.pidFile, String(pid), { mode: 0o600 });
  return pid;
}
