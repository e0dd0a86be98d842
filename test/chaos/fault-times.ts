/**
 * Pure: the two times a chaos case reports besides its recovery, from the steady load's samples and the moment of
 * the fault (both `Date.now()` milliseconds).
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
