import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutlierModel } from '../xds/model.js';
import type { AttemptOutcome } from './outlier.js';
import { isEjected, newOutlierState, recordOutcome } from './outlier.js';

const base: OutlierModel = {
  consecutive5xx: 5,
  consecutiveGatewayErrors: 5,
  intervalMs: 10_000,
  baseEjectionMs: 30_000,
  maxEjectionPercent: 100,
};

/** Records `outcomes` in order at t=0 on a fresh host; returns the index of the outcome that ejected, or -1. */
function ejectedAt(rule: OutlierModel, outcomes: AttemptOutcome[]): number {
  const s = newOutlierState();
  for (const [i, o] of outcomes.entries()) {
    if (recordOutcome(s, o, rule, { ejectedCount: 0, hostCount: 4 }, 0)) {
      assert.ok(isEjected(s, 1));
      return i;
    }
  }
  return -1;
}
const times = (o: AttemptOutcome, n: number): AttemptOutcome[] => Array.from({ length: n }, () => o);

describe("outlier detection, Envoy's consecutive-errors detectors", () => {
  const cases: Array<[string, OutlierModel, AttemptOutcome[], number]> = [
    [
      '5 connect failures in a row eject (local-origin counts as 503 when not split)',
      base,
      times('local-origin', 5),
      4,
    ],
    [
      'a success in between starts the count again',
      base,
      [...times('local-origin', 4), 'success', ...times('local-origin', 4)],
      -1,
    ],
    ['5xx answers count for consecutive_5xx', base, times('http5xx', 5), 4],
    [
      'the gateway detector is counted but not enforced by default (Envoy: enforcing_consecutive_gateway_failure 0)',
      { ...base, consecutive5xx: 0 },
      times('gateway', 8),
      -1,
    ],
    [
      'an enforced gateway detector ejects on its own threshold',
      { ...base, consecutive5xx: 0, consecutiveGatewayErrors: 2, enforcingConsecutiveGateway: 100 },
      times('gateway', 3),
      1,
    ],
    [
      'split: local-origin failures count only for consecutive_local_origin_failure',
      { ...base, consecutive5xx: 2, splitExternalLocalOrigin: true, consecutiveLocalOrigin: 3 },
      times('local-origin', 3),
      2,
    ],
    [
      'split: a 5xx answer does not add to the local-origin count, nor local-origin failures to the 5xx count',
      { ...base, consecutive5xx: 2, splitExternalLocalOrigin: true, consecutiveLocalOrigin: 2 },
      ['local-origin', 'http5xx', 'success', 'http5xx', 'local-origin', 'success'],
      -1,
    ],
    ['enforcing 0 turns a detector off', { ...base, enforcingConsecutive5xx: 0 }, times('http5xx', 10), -1],
  ];
  for (const [name, rule, outcomes, expected] of cases) {
    it(name, () => assert.equal(ejectedAt(rule, outcomes), expected));
  }
});
