/**
 * Finding the pod processes an earlier cluster process left running, so a restarted cluster process adopts them
 * instead of restarting healthy pods. A process is adopted only when three things agree:
 * - its environment carries this cluster's pod owner marker ({@link POD_OWNER_ENV} = the cluster's pods directory),
 *   the pod's uid and the container's name (set by the runner when it spawned it);
 * - the runner's record (`pod-pids.json`) lists that pid for that pod and container;
 * - its `/proc/PID/stat` start time equals the recorded one (a pid reused by another process has another).
 * Every other process carrying the marker is a stray: the caller kills it.
 */
import { readFileSync } from 'node:fs';
import { environOf, OWNER_HOME_ENV, processesWithEnv, startTicks } from '../lifecycle/processes.js';

/** Environment variable marking a process as a pod of a given cluster (value: the cluster's pods directory). */
export const POD_OWNER_ENV = 'MESHBRIDGE_POD_OWNER';
/** Environment variables naming the pod (uid) and container of a pod process. */
export const POD_UID_ENV = 'MESHBRIDGE_POD_UID';
export const CONTAINER_ENV = 'MESHBRIDGE_CONTAINER';
/** Most records read from `pod-pids.json` (every parser has a limit). */
const MAX_RECORDS = 10_000;

/** One pod process as the runner records it. */
export interface PodProcessRecord {
  readonly pid: number;
  readonly startTicks: number;
  readonly uid: string;
  readonly container: string;
}

/** A verified process of a pod's container, with the environment it was started with. */
export interface AdoptableProcess {
  readonly pid: number;
  readonly startTicks: number;
  readonly env: Record<string, string>;
}

/** What a restarted cluster process finds. */
export interface FoundPodProcesses {
  /** By pod uid, then container name. */
  readonly byPod: Map<string, Map<string, AdoptableProcess>>;
  /** Processes with this cluster's marker that cannot be verified (no record, another start time): to be killed. */
  readonly strays: number[];
}

/** Reads the runner's records; an unreadable file or an older format (bare pids) yields none. */
export function readRecords(file: string): PodProcessRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.slice(0, MAX_RECORDS).filter((r): r is PodProcessRecord => {
    const o = r as Partial<PodProcessRecord> | null;
    return (
      typeof o === 'object' &&
      o !== null &&
      Number.isInteger(o.pid) &&
      Number.isInteger(o.startTicks) &&
      typeof o.uid === 'string' &&
      typeof o.container === 'string'
    );
  });
}

/** Environment entries the runner adds to every pod process (not part of the container's own environment). */
const MARKERS = [POD_OWNER_ENV, POD_UID_ENV, CONTAINER_ENV, OWNER_HOME_ENV];

/** Finds the live processes of this cluster's pods (see the module comment for what is verified). */
export function findPodProcesses(options: { podsDir: string; recordFile: string }): FoundPodProcesses {
  const records = new Map(readRecords(options.recordFile).map((r) => [r.pid, r]));
  const byPod = new Map<string, Map<string, AdoptableProcess>>();
  const strays: number[] = [];
  for (const pid of processesWithEnv(POD_OWNER_ENV, options.podsDir)) {
    const env = environOf(pid);
    const record = records.get(pid);
    const ticks = startTicks(pid);
    if (
      !record ||
      ticks === undefined ||
      ticks !== record.startTicks ||
      env.get(POD_UID_ENV) !== record.uid ||
      env.get(CONTAINER_ENV) !== record.container
    ) {
      strays.push(pid);
      continue;
    }
    const own: Record<string, string> = {};
    for (const [k, v] of env) if (!MARKERS.includes(k)) own[k] = v;
    const containers = byPod.get(record.uid) ?? new Map<string, AdoptableProcess>();
    if (containers.has(record.container)) {
      strays.push(pid);
      continue;
    }
    containers.set(record.container, { pid, startTicks: ticks, env: own });
    byPod.set(record.uid, containers);
  }
  return { byPod, strays };
}
