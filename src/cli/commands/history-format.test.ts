import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duration, formatHistory } from './history-format.js';
import type { WireEpisode } from './history-format.js';

const episode = (over: Partial<WireEpisode> = {}): WireEpisode => ({
  service: 'details.bookinfo.svc.cluster.local',
  source: { cluster: 'cluster-1', pod: 'productpage-v1-abc' },
  trigger: { kind: 'priority-shift', atMs: Date.UTC(2026, 0, 2, 3, 4, 5) },
  from: 'cluster-1',
  to: 'cluster-2',
  startedAtMs: Date.UTC(2026, 0, 2, 3, 4, 5),
  timeToFailoverMs: 180,
  requestsFailed: 0,
  timeToFailbackMs: 2350,
  durationMs: 245_000,
  open: false,
  ...over,
});

describe('history text', () => {
  for (const [ms, text] of [
    [0, '0ms'],
    [180.4, '180ms'],
    [2350, '2.35s'],
    [245_000, '4m05s'],
  ] as const) {
    it(`${ms} ms reads ${text}`, () => assert.equal(duration(ms), text));
  }

  it('prints one row per episode with every figure', () => {
    assert.equal(
      formatHistory(
        'details.bookinfo',
        [episode(), episode({ open: true, timeToFailbackMs: undefined, requestsFailed: 3 })],
        7,
      ),
      [
        'details.bookinfo: 2 failover episodes (from 7 recorded events)',
        'STARTED                    CLIENT                         TRIGGER          FROM        TO          TIME TO FAIL OVER   REQUESTS FAILED   TIME TO FAIL BACK   DURATION',
        '2026-01-02T03:04:05.000Z   cluster-1/productpage-v1-abc   priority-shift   cluster-1   cluster-2   180ms               0                 2.35s               4m05s',
        '2026-01-02T03:04:05.000Z   cluster-1/productpage-v1-abc   priority-shift   cluster-1   cluster-2   180ms               3                 -                   still failed over',
      ].join('\n'),
    );
  });

  it('says so when nothing was recorded', () => {
    assert.equal(
      formatHistory('details.bookinfo', [], 1),
      'details.bookinfo: 0 failover episodes (from 1 recorded event)',
    );
  });
});
