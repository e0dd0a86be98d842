/**
 * The supervisor of a home: one small detached process (`dist/local/supervisor-main.js <home>`) that keeps the
 * home's cluster processes, their load balancer processes (lb-process.ts) and its control process alive. Every {@link POLL_MS} it checks each target by pid file
 * and process identity (entry + the home's owner marker, processes.ts); a target found dead is started again at once
 * the first time and with a doubling back-off when it keeps crashing ({@link restartDelayMs}), and each restart is
 * one log line in `supervisor/supervisor.log` and a count in `supervisor/state.json` (`local status` shows it).
 *
 * Why polling and not child exit events: the processes it watches may have been started by `local up`, not by
 * the supervisor, and a restarted supervisor must watch processes it did not start. A 200 ms poll of a few pid
 * files costs nothing and keeps restarts well inside 2 s.
 *
 * `local up` pauses supervision while it works (so the two never start the same process twice) and resumes it
 * with the targets it brought up; `local down` stops it first. Nothing restarts the supervisor itself except the
 * next `local up`: it is a loop over pid files with no request input, the least likely process to crash.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordedPid, spawnDetached, terminate } from './processes.js';

const SUPERVISOR_MAIN = fileURLToPath(new URL('../../../dist/local/supervisor-main.js', import.meta.url));
/** How often targets are checked. */
export const POLL_MS = 200;

/** Files of the supervisor under `$MESHBRIDGE_HOME/supervisor`. */
export const supervisorPaths = (home: string) => {
  const dir = join(home, 'supervisor');
  return {
    dir,
    pid: join(dir, 'supervisor.pid'),
    log: join(dir, 'supervisor.log'),
    targets: join(dir, 'targets.json'),
    state: join(dir, 'state.json'),
  };
};

/** What the supervisor keeps alive. */
export interface SupervisorTargets {
  /** Cluster names (state under `clusters/<name>`). */
  readonly clusters: readonly string[];
  /** The control process, with the organization it registers the clusters in. */
  readonly control?: { readonly organization: string };
}

/** Restart bookkeeping of one target (`cluster/<name>` or `control`), as `local status` shows it. */
export interface TargetRecord {
  readonly restarts: number;
  readonly lastRestartAt?: string;
}

/** Back-off policy for crash loops. */
export interface RestartPolicy {
  /** Delay before the second restart in a row; doubled for each further one. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** A process that stayed up this long is healthy again: its next crash restarts at once. */
  readonly stableMs: number;
}

/** The default policy: restart at once, then 1 s, 2 s, 4 s ... up to 30 s while it keeps crashing within 30 s. */
export const DEFAULT_POLICY: RestartPolicy = Object.freeze({ baseMs: 1000, maxMs: 30_000, stableMs: 30_000 });

/**
 * Pure: the delay before restarting a target that has now crashed `consecutive` times in a row, each within
 * `stableMs` of its start (1 = a first crash: restart at once, so recovery stays well inside 2 s).
 */
export function restartDelayMs(consecutive: number, policy: RestartPolicy = DEFAULT_POLICY): number {
  if (consecutive <= 1) return 0;
  return Math.min(policy.baseMs * 2 ** (consecutive - 2), policy.maxMs);
}

/** Most bytes of `targets.json` / `state.json` read (every parser has a limit). */
const MAX_FILE_BYTES = 64 * 1024;

function readJson(file: string): unknown {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > MAX_FILE_BYTES ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** The targets recorded in the home (none when missing or malformed). */
export function readTargets(home: string): SupervisorTargets {
  const raw = readJson(supervisorPaths(home).targets) as Partial<SupervisorTargets> | undefined;
  const clusters = Array.isArray(raw?.clusters)
    ? raw.clusters.filter((c): c is string => typeof c === 'string' && /^[a-z0-9-]{1,63}$/.test(c))
    : [];
  const organization = raw?.control?.organization;
  return { clusters, ...(typeof organization === 'string' ? { control: { organization } } : {}) };
}

/** Restart counts by target key (`cluster/<name>`, `control`). */
export function readSupervisorState(home: string): Record<string, TargetRecord> {
  const raw = readJson(supervisorPaths(home).state);
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, TargetRecord>) : {};
}

/** The supervisor's pid when it runs for this home. */
export function supervisorPid(home: string): number | undefined {
  return recordedPid(supervisorPaths(home).pid, 'supervisor-main.js', home);
}

/** Stops the supervisor (the processes it watches keep running); true when one was running. */
export async function pauseSupervision(home: string): Promise<boolean> {
  const pid = supervisorPid(home);
  if (pid === undefined) return false;
  await terminate(pid);
  return true;
}

/**
 * Adds targets to the home's list and (re)starts the supervisor over the whole list. `env` is what restarted
 * processes get (the caller's, so image maps and address blocks stay the same across restarts).
 */
export async function resumeSupervision(options: {
  home: string;
  env: NodeJS.ProcessEnv;
  clusters?: readonly string[];
  control?: { organization: string };
}): Promise<number> {
  const { home } = options;
  const paths = supervisorPaths(home);
  await pauseSupervision(home);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const current = readTargets(home);
  const targets: SupervisorTargets = {
    clusters: [...new Set([...current.clusters, ...(options.clusters ?? [])])],
    ...((options.control ?? current.control) ? { control: options.control ?? current.control } : {}),
  };
  writeFileSync(paths.targets, `${JSON.stringify(targets)}\n`, { mode: 0o600 });
  return spawnDetached({
    entry: SUPERVISOR_MAIN,
    home,
    args: [home],
    logFile: paths.log,
    pidFile: paths.pid,
    env: options.env,
    what: 'the supervisor',
  });
}

/** Stops supervision for good (`local down`): the supervisor ends and its target list is removed. */
export async function stopSupervision(home: string): Promise<boolean> {
  const was = await pauseSupervision(home);
  rmSync(supervisorPaths(home).targets, { force: true });
  rmSync(supervisorPaths(home).pid, { force: true });
  return was;
}

/** How the supervisor loop sees and restarts one kind of target. */
export interface TargetDriver {
  /** The live pid of the target, if it runs. */
  running(): number | undefined;
  /** Starts it; returns the new pid. */
  start(): number;
}

/** True when the supervisor should go on (the home still exists). */
export function homeExists(home: string): boolean {
  return existsSync(home);
}
