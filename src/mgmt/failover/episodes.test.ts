import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventKind, StoredEvent } from './event.js';
import { episodesOf } from './episodes.js';

const UP = 'outbound|9080||details.bookinfo.svc.cluster.local';
const SRC = { cluster: 'cluster-1', namespace: 'bookinfo', pod: 'productpage-v1-a', workload: 'productpage-v1' };

type Row = [atMs: number, kind: EventKind, failed: number, extra?: Partial<StoredEvent>];
function stream(rows: Row[], boot = 'b1', source = SRC): StoredEvent[] {
  return rows.map(([atMs, kind, failed, extra], i) => ({
    source,
    boot,
    seq: i + 1,
    atMs,
    kind,
    upstream: UP,
    service: 'details.bookinfo.svc.cluster.local',
    failed,
    answered: failed + i * 10,
    ...(kind === 'served-remote' ? { from: 'cluster-1', to: 'cluster-2' } : {}),
    ...(kind === 'failback' ? { from: 'cluster-2', to: 'cluster-1' } : {}),
    ...extra,
  }));
}

describe('episodesOf', () => {
  const cases: Array<{ name: string; events: StoredEvent[]; expect: Array<Record<string, unknown>> }> = [
    {
      name: 'graceful scale-down and back: shift, remote answer, shift, failback',
      events: stream([
        [1000, 'priority-shift', 0],
        [1200, 'served-remote', 0],
        [9000, 'priority-shift', 0],
        [9300, 'failback', 0],
      ]),
      expect: [
        {
          trigger: 'priority-shift',
          from: 'cluster-1',
          to: 'cluster-2',
          timeToFailoverMs: 200,
          requestsFailed: 0,
          timeToFailbackMs: 300,
          durationMs: 8300,
          open: false,
        },
      ],
    },
    {
      name: 'hard failure: ejections, failed requests counted from the first ejection to the failback',
      events: stream([
        [1000, 'ejection', 2, { priority: 0 }],
        [1010, 'ejection', 3, { priority: 0 }],
        [1020, 'priority-shift', 3],
        [1100, 'served-remote', 4],
        [31000, 'return', 4],
        [31050, 'failback', 5],
      ]),
      expect: [
        {
          trigger: 'ejection',
          timeToFailoverMs: 100,
          requestsFailed: 3,
          timeToFailbackMs: 50,
          durationMs: 30050,
          open: false,
        },
      ],
    },
    {
      name: 'time to fail back counts from the last change before the failback (a pod listed before it is ready)',
      events: stream([
        [1000, 'priority-shift', 0],
        [1700, 'served-remote', 0],
        [6000, 'priority-shift', 0, { loadBefore: [100], loadAfter: [0, 100] }],
        [14_000, 'priority-shift', 0, { loadBefore: [0, 100], loadAfter: [100, 0] }],
        [14_250, 'failback', 0],
      ]),
      expect: [{ trigger: 'priority-shift', timeToFailoverMs: 700, timeToFailbackMs: 250, durationMs: 13_250 }],
    },
    {
      name: 'still failed over: open, figures so far',
      events: stream([
        [1000, 'panic-entered', 0, { priority: 0 }],
        [1500, 'served-remote', 2],
        [2000, 'priority-shift', 7],
      ]),
      expect: [{ trigger: 'panic-entered', timeToFailoverMs: 500, requestsFailed: 7, open: true }],
    },
    {
      name: 'a trigger older than the window is not this failover: the remote answer is its own trigger',
      events: stream([
        [1000, 'ejection', 0],
        [60_000, 'served-remote', 0],
        [61_000, 'failback', 0],
      ]),
      expect: [{ trigger: 'served-remote', timeToFailoverMs: 0, timeToFailbackMs: 1000, open: false }],
    },
    {
      name: 'an ejection long before (another local host kept serving) is not the trigger: the shift that moved load is',
      events: stream([
        [1000, 'ejection', 1, { priority: 0 }],
        [30900, 'priority-shift', 1],
        [30920, 'served-remote', 1],
        [31000, 'return', 1],
        [40000, 'failback', 1],
      ]),
      expect: [{ trigger: 'priority-shift', timeToFailoverMs: 20, requestsFailed: 0 }],
    },
    {
      name: 'ejections in quick succession are one run: the first of them is the trigger',
      events: stream([
        [1000, 'ejection', 1, { priority: 0 }],
        [4000, 'ejection', 2, { priority: 0 }],
        [9000, 'priority-shift', 3],
        [9100, 'served-remote', 3],
      ]),
      expect: [{ trigger: 'ejection', timeToFailoverMs: 8100, requestsFailed: 2 }],
    },
    {
      name: 'two episodes: the second trigger is found after the first failback',
      events: stream([
        [1000, 'priority-shift', 0],
        [1100, 'served-remote', 0],
        [2000, 'failback', 0],
        [5000, 'ejection', 1],
        [5400, 'served-remote', 2],
        [8000, 'failback', 4],
      ]),
      expect: [
        { trigger: 'priority-shift', timeToFailoverMs: 100, durationMs: 1000, requestsFailed: 0 },
        { trigger: 'ejection', timeToFailoverMs: 400, durationMs: 3000, requestsFailed: 3 },
      ],
    },
    {
      name: 'ejections with no remote answer are no episode',
      events: stream([
        [1000, 'ejection', 1],
        [2000, 'return', 1],
      ]),
      expect: [],
    },
    {
      name: 'streams of two process starts are read apart (their counters restart)',
      events: [
        ...stream([
          [1000, 'priority-shift', 9],
          [1100, 'served-remote', 9],
        ]),
        ...stream(
          [
            [1050, 'ejection', 0],
            [1300, 'served-remote', 1],
            [1900, 'failback', 1],
          ],
          'b2',
        ),
      ],
      expect: [
        { trigger: 'priority-shift', timeToFailoverMs: 100, requestsFailed: 0, open: true },
        { trigger: 'ejection', timeToFailoverMs: 250, requestsFailed: 1, open: false },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = episodesOf(c.events).map((e) =>
        Object.fromEntries(
          Object.keys(c.expect[0] ?? {}).map((k) => [k, k === 'trigger' ? e.trigger.kind : e[k as keyof typeof e]]),
        ),
      );
      assert.deepEqual(got, c.expect);
    });
  }

  it('reads events in time order whatever order they come in', () => {
    const events = stream([
      [1000, 'priority-shift', 0],
      [1200, 'served-remote', 0],
      [9300, 'failback', 0],
    ]).reverse();
    const [e] = episodesOf(events);
    assert.equal(e?.timeToFailoverMs, 200);
    assert.equal(e?.failedBackAtMs, 9300);
  });
});
