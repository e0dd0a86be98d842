/**
 * When a scheduled failover drill runs (docs/failover-drills.md): a `FailoverDrill` names a service, a cluster, a
 * duration and either a cron schedule (five fields, UTC, as a Kubernetes CronJob's) or one start time. This module
 * answers, for any instant, whether a run is due and which one; the federation controller holds the drill's lease
 * on the Service while it is. Pure: the answer depends on the spec and the instant only, so every controller
 * replica and every restart agree on which run is due, and a run has the same id wherever it is computed.
 */
import { Cron } from 'croner';

/** Shortest and longest drill (a drill is a rehearsal: a day at most). */
export const MIN_DRILL_MS = 1000;
export const MAX_DRILL_MS = 24 * 3_600_000;

/**
 * Parses a drill duration: `90s`, `2m`, `1m30s`, `1h`, or plain seconds; between 1 s and 24 h. Throws with the
 * reason. The CLI's `--duration` and a FailoverDrill's `spec.duration` read the same way.
 */
export function parseDrillDuration(text: string): number {
  const trimmed = text.trim();
  let ms: number;
  if (/^\d{1,9}$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const m = /^(?:(\d{1,4})h)?(?:(\d{1,6})m)?(?:(\d{1,9})s)?$/.exec(trimmed);
    if (!m || trimmed === '') throw new Error(`invalid duration "${text}": use e.g. 60s, 2m or 1m30s`);
    ms = ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
  }
  if (ms < MIN_DRILL_MS || ms > MAX_DRILL_MS) throw new Error(`invalid duration "${text}": between 1s and 24h`);
  return ms;
}

/** A schedule is 5 cron fields; 128 characters is far more than any real one needs. */
const MAX_SCHEDULE = 128;

function cronOf(schedule: string): Cron {
  // `paused`: croner only computes times here, it never runs a job.
  return new Cron(schedule, { timezone: 'UTC', paused: true });
}

/** Why `schedule` is not a five-field cron expression croner accepts, or undefined. */
export function drillScheduleError(schedule: string): string | undefined {
  if (schedule.length > MAX_SCHEDULE) return `a schedule has at most ${MAX_SCHEDULE} characters`;
  const fields = schedule.trim().split(/\s+/);
  // Nicknames (@daily) are cron too; a sixth (seconds) field would let a drill start every second.
  if (!schedule.trim().startsWith('@') && fields.length !== 5) {
    return `expected 5 cron fields (minute hour day-of-month month day-of-week, UTC), got ${fields.length}`;
  }
  try {
    cronOf(schedule);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern: /, '');
  }
}

/** What decides a drill's runs. */
export interface DrillTiming {
  readonly schedule?: string;
  /** RFC 3339: a single run. */
  readonly startAt?: string;
  readonly duration: string;
  readonly suspend?: boolean;
}

/** One run of a drill: `[startMs, endMs)`. */
export interface DrillRunWindow {
  /** Stable for the run: the drill's name and its start in seconds, base 36. */
  readonly id: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** A Kubernetes name stays within 63 characters with the suffix; the id is a label value and an annotation. */
function runId(name: string, startMs: number): string {
  return `${name.slice(0, 50)}-${Math.floor(startMs / 1000).toString(36)}`;
}

/**
 * The run due at `now` (`startMs <= now < endMs`), or undefined. A suspended drill has none. With a schedule whose
 * runs overlap (duration longer than the period), the latest start wins.
 */
export function dueRun(name: string, timing: DrillTiming, now: number): DrillRunWindow | undefined {
  if (timing.suspend) return undefined;
  const duration = parseDrillDuration(timing.duration);
  if (timing.startAt !== undefined) {
    const start = Date.parse(timing.startAt);
    if (!Number.isFinite(start) || now < start || now >= start + duration) return undefined;
    return { id: runId(name, start), startMs: start, endMs: start + duration };
  }
  if (timing.schedule === undefined) return undefined;
  // The first start after (now - duration) is the earliest that still covers now; later ones may too.
  const cron = cronOf(timing.schedule);
  let start: number | undefined;
  let next = cron.nextRun(new Date(now - duration));
  while (next && next.getTime() <= now) {
    start = next.getTime();
    next = cron.nextRun(next);
  }
  return start === undefined ? undefined : { id: runId(name, start), startMs: start, endMs: start + duration };
}

/** When the next run starts after `now` (for status), or undefined (suspended, a past one-off). */
export function nextRunStart(timing: DrillTiming, now: number): number | undefined {
  if (timing.suspend) return undefined;
  if (timing.startAt !== undefined) {
    const start = Date.parse(timing.startAt);
    return Number.isFinite(start) && start > now ? start : undefined;
  }
  if (timing.schedule === undefined) return undefined;
  return cronOf(timing.schedule).nextRun(new Date(now))?.getTime();
}
