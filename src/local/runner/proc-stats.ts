/**
 * CPU time and resident memory of a process from Linux's /proc (what the kubelet's cAdvisor reads from cgroups):
 * `/proc/<pid>/stat` fields 14-15 (utime, stime, in clock ticks) and `/proc/<pid>/status` `VmRSS` (kB). The
 * parsers are pure and bounded (they read at most a few KiB); a process that is gone reads as undefined.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Linux's USER_HZ: clock ticks per second of /proc CPU times (100 on every mainstream architecture). */
export const CLOCK_TICKS_PER_SECOND = 100;
/** Most bytes read from one /proc file: stat lines are ~300 bytes, status files ~1.5 KiB. */
const MAX_PROC_BYTES = 8192;

/** One reading of a process. */
export interface ProcSample {
  /** CPU time used so far (user + system), in seconds. */
  readonly cpuSeconds: number;
  /** Resident set size in bytes. */
  readonly rssBytes: number;
}

/** Pure: user + system CPU seconds from a `/proc/<pid>/stat` line, or undefined when it does not parse. */
export function parseStatCpu(stat: string): number | undefined {
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(' ');
  // After the name: field 3 (state) is fields[0], so utime (14) is fields[11] and stime (15) fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** Pure: the resident set size in bytes from a `/proc/<pid>/status` text (0 when absent, as for zombies). */
export function parseStatusRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

function readBounded(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(MAX_PROC_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads one process now; undefined when it is gone or /proc is not readable. */
export function sampleProcess(pid: number): ProcSample | undefined {
  const stat = readBounded(`/proc/${pid}/stat`);
  const status = readBounded(`/proc/${pid}/status`);
  if (stat === undefined || status === undefined) return undefined;
  const cpuSeconds = parseStatCpu(stat);
  return cpuSeconds === undefined ? undefined : { cpuSeconds, rssBytes: parseStatusRss(status) };
}
