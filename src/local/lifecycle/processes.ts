/**
 * Process bookkeeping for `local up` / `local down` and the supervisor (Linux `/proc`): is a recorded process still
 * ours and alive (entry in its command line, the home's owner marker in its environment, start time), which
 * processes remain in a process group, and every process of a home found through its marker alone (so `local down`
 * stops them even when the state files are gone).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Environment variable carried by every process a home runs (supervisor, cluster and control processes, pods):
 * its value is the home's absolute path. It is how processes are found when no pid file is left.
 */
export const OWNER_HOME_ENV = 'MESHBRIDGE_OWNER_HOME';

function stat(pid: number): { state: string; pgrp: number; startTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'; field 22 (starttime,
    // clock ticks since boot) is rest[19]. A reused pid has another start time.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', pgrp: Number(rest[2]), startTicks: Number(rest[19]) };
  } catch {
    return undefined;
  }
}

/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

/** The start time of a live process (clock ticks since boot, `/proc/PID/stat` field 22); undefined when gone. */
export function startTicks(pid: number): number | undefined {
  const s = stat(pid);
  return s && s.state !== 'Z' ? s.startTicks : undefined;
}

/** The environment a process started with (`/proc/PID/environ`), empty when gone or not ours to read. */
export function environOf(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return out;
  }
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) out.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return out;
}

/** Live pids (not zombies, not this process) whose environment has `name=value`. */
export function processesWithEnv(name: string, value: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || !isAlive(pid)) continue;
    if (environOf(pid).get(name) === value) out.push(pid);
  }
  return out;
}

/**
 * True when `pid` is a live process of `home` running `entry` (a file name such as `cluster-main.js`): a recycled
 * pid would need both our entry and our home's marker, which only our own processes carry.
 */
export function isOwnProcess(pid: number, entry: string, home: string): boolean {
  return isAlive(pid) && commandLine(pid).includes(entry) && environOf(pid).get(OWNER_HOME_ENV) === home;
}

/**
 * The pid recorded in `pidFile` (as {@link spawnDetached} writes it) when that process is alive and is `home`'s
 * `entry`; undefined when the file is missing, is not a pid, or names any other process.
 */
export function recordedPid(pidFile: string, entry: string, home: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  // A pid is a few digits: anything longer is not one of our pid files.
  const pid = text.length <= 32 ? Number(text.trim()) : NaN;
  return Number.isInteger(pid) && pid > 0 && isOwnProcess(pid, entry, home) ? pid : undefined;
}

/** SIGTERM, then SIGKILL when `pid` outlives `graceMs`; resolves once it is gone (or 2 s after the SIGKILL). */
export async function terminate(pid: number, graceMs = 3000): Promise<void> {
  signal(pid, 'SIGTERM');
  if (!(await waitUntil(() => !isAlive(pid), graceMs))) signal(pid, 'SIGKILL');
  await waitUntil(() => !isAlive(pid), 2000);
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
 * `logFile`, marked with `home` ({@link OWNER_HOME_ENV}), and records its pid in `pidFile`. Throws when the compiled
 * entry is missing or nothing started.
 */
export function spawnDetached(options: {
  entry: string;
  home: string;
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
    env: { ...options.env, [OWNER_HOME_ENV]: options.home },
  });
  child.on('error', () => {
    // Reported through the missing pid below; an 'error' event must not crash the caller.
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.what}`);
  child.unref();
  writeFileSync(options.pidFile, String(pid), { mode: 0o600 });
  return pid;
}
