/**
 * Pure: what a chaos case reports besides its counts and recovery, from the steady load's samples and the moment of
 * the fault (both `Date.now()` milliseconds): two times, and when and why requests failed.
 */
import type { LoadSample } from '../support/steady-load.js';

/** What {@link faultTimes} computes; NaN when no sample qualifies. */
export interface FaultTimes {
  /** From the fault to the first successful answer to a request sent at or after it. */
  readonly firstAnswerMs: number;
  /** The slowest request still unanswered at the fault or sent after it (the ones the fault could delay). */
  readonly slowestMs: number;
}

export function faultTimes(samples: readonly LoadSample[], faultAt: number): FaultTimes {
  let firstAnswerMs = Number.NaN;
  let slowestMs = Number.NaN;
  for (const s of samples) {
    if (s.at >= faultAt && s.ok && !(s.doneAt - faultAt >= firstAnswerMs)) firstAnswerMs = s.doneAt - faultAt;
    if (s.doneAt >= faultAt && !(s.doneAt - s.at <= slowestMs)) slowestMs = s.doneAt - s.at;
  }
  return { firstAnswerMs, slowestMs };
}

/**
 * The failed requests in one line: when they were sent relative to the fault and why, e.g.
 * `sent +120..+2300 ms: 3 x 503, 2 x client timeout`; empty when none failed.
 */
export function describeFailures(samples: readonly LoadSample[], faultAt: number): string {
  const failed = samples.filter((s) => !s.ok);
  if (failed.length === 0) return '';
  const reasons = new Map<string, number>();
  for (const f of failed) {
    const key = f.status === 0 ? f.detail : `${f.status}${f.detail ? ` ${f.detail.slice(0, 60)}` : ''}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  const offsets = failed.map((f) => f.at - faultAt);
  const signed = (ms: number): string => (ms >= 0 ? `+${ms}` : `${ms}`);
  return (
    `sent ${signed(Math.min(...offsets))}..${signed(Math.max(...offsets))} ms: ` +
    [...reasons].map(([k, n]) => `${n} x ${k}`).join(', ')
  );
}
