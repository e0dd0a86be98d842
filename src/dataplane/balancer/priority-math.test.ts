import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveLocalityWeight, priorityLoad, retryPriorityLoad } from './priority-math.js';
import type { LevelHealth } from './priority-math.js';
import { SmoothWrr } from './wrr.js';

/**
 * One row of an Envoy load-balancing docs table. Percent rows are levels of 100 hosts (71 % = 71 of 100). `note`
 * says where Envoy's code (which we follow) gives other numbers than the docs' row: the docs round by hand and the
 * priority-level tables ignore panic.
 */
interface Row {
  source: string;
  /** [healthy, total, degraded] per level. */
  levels: Array<[number, number, number?]>;
  healthy: number[];
  degraded?: number[];
  panic: boolean[];
  normalized?: number;
  note?: string;
}

const PRIORITY = 'Envoy docs, Priority levels';
const PANIC = 'Envoy docs, Panic threshold';
const DEGRADED = 'Envoy docs, Degraded endpoints';
const pct = (...xs: number[]): Array<[number, number]> => xs.map((x) => [x, 100]);

const ROWS: Row[] = [
  // Priority levels, table 1 (P=1 100 % healthy).
  { source: `${PRIORITY}, table 1`, levels: pct(100, 100), healthy: [100, 0], panic: [false, false] },
  { source: `${PRIORITY}, table 1`, levels: pct(72, 100), healthy: [100, 0], panic: [false, false] },
  { source: `${PRIORITY}, table 1`, levels: pct(71, 100), healthy: [99, 1], panic: [false, false] },
  { source: `${PRIORITY}, table 1`, levels: pct(50, 100), healthy: [70, 30], panic: [false, false] },
  { source: `${PRIORITY}, table 1`, levels: pct(25, 100), healthy: [35, 65], panic: [false, false] },
  { source: `${PRIORITY}, table 1`, levels: pct(0, 100), healthy: [0, 100], panic: [false, false] },
  // Priority levels, table 2 (two levels).
  { source: `${PRIORITY}, table 2`, levels: pct(72, 72), healthy: [100, 0], panic: [false, false] },
  { source: `${PRIORITY}, table 2`, levels: pct(71, 71), healthy: [99, 1], panic: [false, false] },
  { source: `${PRIORITY}, table 2`, levels: pct(50, 50), healthy: [70, 30], panic: [false, false] },
  {
    source: `${PRIORITY}, table 2`,
    levels: pct(25, 25),
    healthy: [50, 50],
    panic: [true, true],
    normalized: 70,
    note: 'also total panic (split by host count), which gives the same 50/50 here',
  },
  // Priority levels, table 3 (three levels).
  { source: `${PRIORITY}, table 3`, levels: pct(100, 100, 100), healthy: [100, 0, 0], panic: [false, false, false] },
  { source: `${PRIORITY}, table 3`, levels: pct(72, 72, 100), healthy: [100, 0, 0], panic: [false, false, false] },
  { source: `${PRIORITY}, table 3`, levels: pct(71, 71, 100), healthy: [99, 1, 0], panic: [false, false, false] },
  { source: `${PRIORITY}, table 3`, levels: pct(50, 50, 100), healthy: [70, 30, 0], panic: [false, false, false] },
  { source: `${PRIORITY}, table 3`, levels: pct(25, 100, 100), healthy: [35, 65, 0], panic: [false, false, false] },
  { source: `${PRIORITY}, table 3`, levels: pct(25, 25, 100), healthy: [35, 35, 30], panic: [false, false, false] },
  {
    source: `${PRIORITY}, table 3`,
    levels: pct(25, 25, 20),
    healthy: [34, 33, 33],
    panic: [true, true, true],
    normalized: 98,
    note:
      'docs: 36/36/28, which ignores panic; every level is below 50 % and normalized health is 98 %, so ' +
      "Envoy's code is in total panic and splits by host count (100 each: 33/33/33, remainder to P0)",
  },
  // Panic threshold, table 1 (P=1 100 % healthy): normalized total is 100 %, so no level ever panics.
  { source: `${PANIC}, table 1`, levels: pct(72, 100), healthy: [100, 0], panic: [false, false], normalized: 100 },
  { source: `${PANIC}, table 1`, levels: pct(71, 100), healthy: [99, 1], panic: [false, false], normalized: 100 },
  { source: `${PANIC}, table 1`, levels: pct(50, 100), healthy: [70, 30], panic: [false, false], normalized: 100 },
  { source: `${PANIC}, table 1`, levels: pct(25, 100), healthy: [35, 65], panic: [false, false], normalized: 100 },
  { source: `${PANIC}, table 1`, levels: pct(0, 100), healthy: [0, 100], panic: [false, false], normalized: 100 },
  // Panic threshold, table 2.
  { source: `${PANIC}, table 2`, levels: pct(72, 72), healthy: [100, 0], panic: [false, false], normalized: 100 },
  { source: `${PANIC}, table 2`, levels: pct(71, 71), healthy: [99, 1], panic: [false, false], normalized: 100 },
  {
    source: `${PANIC}, table 2`,
    levels: pct(50, 60),
    healthy: [70, 30],
    panic: [false, false],
    normalized: 100,
    note: "docs: 50/50; health is 70 and 84, so Envoy's code (and the Priority levels page) give 70/30",
  },
  {
    source: `${PANIC}, table 2`,
    levels: pct(25, 100),
    healthy: [35, 65],
    panic: [false, false],
    normalized: 100,
    note: 'docs: 25/75; health of 25 % healthy is 35, as in the Priority levels table (35/65)',
  },
  { source: `${PANIC}, table 2`, levels: pct(25, 25), healthy: [50, 50], panic: [true, true], normalized: 70 },
  {
    source: `${PANIC}, table 2`,
    levels: pct(5, 65),
    healthy: [8, 92],
    panic: [true, false],
    normalized: 98,
    note: 'docs: 7/93; distributeLoad truncates 9100/98 to 92 and gives the remaining 1 to the first healthy level',
  },
  // Degraded endpoints (one level; columns healthy/degraded/unhealthy).
  { source: DEGRADED, levels: [[100, 100, 0]], healthy: [100], degraded: [0], panic: [false] },
  { source: DEGRADED, levels: [[71, 100, 0]], healthy: [100], degraded: [0], panic: [false], normalized: 99 },
  { source: DEGRADED, levels: [[71, 100, 29]], healthy: [99], degraded: [1], panic: [false], normalized: 100 },
  { source: DEGRADED, levels: [[25, 100, 65]], healthy: [35], degraded: [65], panic: [false], normalized: 100 },
  { source: DEGRADED, levels: [[5, 100, 0]], healthy: [100], degraded: [0], panic: [true], normalized: 7 },
];

/** Cases of the mesh's own failover, computed by hand from Envoy's code. */
const MESH_ROWS: Row[] = [
  {
    source: 'failover: 1 of 3 local hosts healthy, remote healthy',
    levels: [
      [1, 3],
      [3, 3],
    ],
    healthy: [46, 54],
    panic: [false, false],
    normalized: 100,
    note: 'no panic while the remote level makes the normalized total 100 %: unhealthy local hosts get nothing',
  },
  {
    source: 'failover: 2 of 3 local hosts healthy',
    levels: [
      [2, 3],
      [1, 1],
    ],
    healthy: [93, 7],
    panic: [false, false],
  },
  {
    source: 'all unhealthy: split by host count (recalculateLoadInTotalPanic)',
    levels: [
      [0, 3],
      [0, 2],
    ],
    healthy: [60, 40],
    panic: [true, true],
    normalized: 0,
  },
  {
    source: 'all unhealthy, uneven: remainder to the first non-empty level',
    levels: [
      [0, 1],
      [0, 1],
      [0, 1],
    ],
    healthy: [34, 33, 33],
    panic: [true, true, true],
  },
  {
    source: 'degraded capacity is used only after healthy capacity across all levels',
    levels: [
      [1, 2, 1],
      [1, 2, 0],
    ],
    healthy: [70, 30],
    degraded: [0, 0],
    panic: [false, false],
    normalized: 100,
  },
];

const toLevels = (levels: Row['levels']): LevelHealth[] =>
  levels.map(([healthy, total, degraded]) => ({ healthy, total, degraded: degraded ?? 0 }));

describe("Envoy's priority load, from the tables of Envoy's load balancing docs", () => {
  for (const row of [...ROWS, ...MESH_ROWS]) {
    const shape = row.levels.map(([h, t, d]) => `${h}${d ? `+${d}d` : ''}/${t}`).join(', ');
    it(`${row.source}: ${shape} -> ${row.healthy.join('/')}${row.note ? ` (${row.note})` : ''}`, () => {
      const r = priorityLoad(toLevels(row.levels));
      assert.deepEqual(r.healthyLoad, row.healthy, 'healthy load');
      assert.deepEqual(r.degradedLoad, row.degraded ?? row.healthy.map(() => 0), 'degraded load');
      assert.deepEqual(r.panic, row.panic, 'panic');
      if (row.normalized !== undefined) assert.equal(r.normalizedTotal, row.normalized, 'normalized total');
      const sum = [...r.healthyLoad, ...r.degradedLoad].reduce((a, b) => a + b, 0);
      assert.equal(sum, 100, 'loads sum to 100');
    });
  }

  it('never panics while normalized total health is 100 %, however few hosts of a level are healthy', () => {
    const r = priorityLoad(
      toLevels([
        [1, 10],
        [10, 10],
      ]),
    );
    assert.deepEqual(r.panic, [false, false]);
    assert.equal(r.normalizedTotal, 100);
  });

  it('with the panic threshold at 0, nothing panics and an all-unhealthy cluster loads P0 (which has no host to give)', () => {
    const r = priorityLoad(
      toLevels([
        [0, 3],
        [0, 2],
      ]),
      { panicThresholdPercent: 0 },
    );
    assert.deepEqual(r.healthyLoad, [100, 0]);
    assert.deepEqual(r.panic, [false, false]);
  });

  it('an empty level counts as in panic, so it does not stop total panic', () => {
    const r = priorityLoad(
      toLevels([
        [0, 0],
        [1, 4],
      ]),
    );
    assert.deepEqual(r.panic, [true, true]);
    assert.deepEqual(r.healthyLoad, [0, 100]);
  });

  it('takes the overprovisioning factor from EDS (100 = no overprovisioning)', () => {
    assert.deepEqual(
      priorityLoad(
        toLevels([
          [4, 5],
          [5, 5],
        ]),
        { overprovisioning: 1 },
      ).healthyLoad,
      [80, 20],
    );
    assert.deepEqual(
      priorityLoad(
        toLevels([
          [4, 5],
          [5, 5],
        ]),
      ).healthyLoad,
      [100, 0],
    );
  });
});

describe('previous_priorities retry load', () => {
  const state = priorityLoad(
    toLevels([
      [3, 3],
      [3, 3],
      [1, 2],
    ]),
  );

  it('moves a retry off the priorities already attempted', () => {
    assert.deepEqual(retryPriorityLoad(state, new Set([0])), { healthyLoad: [0, 100, 0], degradedLoad: [0, 0, 0] });
    assert.deepEqual(retryPriorityLoad(state, new Set([0, 1])), { healthyLoad: [0, 0, 100], degradedLoad: [0, 0, 0] });
  });

  it('keeps the original load when every priority was attempted or nothing is excluded', () => {
    assert.equal(retryPriorityLoad(state, new Set([0, 1, 2])), undefined);
    assert.equal(retryPriorityLoad(state, new Set()), undefined);
  });

  it('spreads over the remaining levels by their health, handing out truncation leftovers', () => {
    const s = priorityLoad(
      toLevels([
        [3, 3],
        [1, 3],
        [1, 3],
      ]),
    );
    // health 100 / 46 / 46; without P0: 92 available -> 50 + 50
    assert.deepEqual(retryPriorityLoad(s, new Set([0]))?.healthyLoad, [0, 50, 50]);
  });
});

describe('locality weight', () => {
  it('scales a locality weight by its availability with overprovisioning', () => {
    assert.equal(effectiveLocalityWeight(10, { available: 1, total: 2 }), 7);
    assert.equal(effectiveLocalityWeight(10, { available: 3, total: 4 }), 10);
    assert.equal(effectiveLocalityWeight(10, { available: 0, total: 2 }), 0);
    assert.equal(effectiveLocalityWeight(10, { available: 0, total: 0 }), 0);
  });
});

describe('smooth weighted round robin', () => {
  it('gives each item exactly its share over a window', () => {
    const wrr = new SmoothWrr();
    const items = [
      { k: 'a', w: 5 },
      { k: 'b', w: 1 },
      { k: 'c', w: 1 },
    ];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 700; i++)
      counts[
        wrr.pick(
          items,
          (x) => x.k,
          (x) => x.w,
        )!.k
      ]! += 1;
    assert.deepEqual(counts, { a: 500, b: 100, c: 100 });
  });
  it('returns undefined when nothing has weight', () => {
    assert.equal(
      new SmoothWrr().pick(
        [{ k: 'a' }],
        (x) => x.k,
        () => 0,
      ),
      undefined,
    );
  });
});
