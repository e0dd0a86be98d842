import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveLocalityWeight, priorityLoad } from './priority-math.js';
import { SmoothWrr } from './wrr.js';

const round = (xs: number[]): number[] => xs.map((x) => Math.round(x * 1000) / 10);

describe("Envoy's priority load rules", () => {
  const table: Array<[string, Array<[number, number]>, number[], boolean[]]> = [
    [
      'all P0 healthy keeps everything on P0',
      [
        [3, 3],
        [3, 3],
      ],
      [100, 0],
      [false, false],
    ],
    [
      '1 of 3 P0 hosts down -> P0 keeps 93.3 %',
      [
        [2, 3],
        [3, 3],
      ],
      [93.3, 6.7],
      [false, false],
    ],
    [
      'P0 at 50 % healthy keeps 70 %',
      [
        [1, 2],
        [3, 3],
      ],
      [70, 30],
      [false, false],
    ],
    [
      'P0 at 72 % healthy keeps all (1/1.4)',
      [
        [18, 25],
        [3, 3],
      ],
      [100, 0],
      [false, false],
    ],
    [
      'P0 all down -> P1 takes everything',
      [
        [0, 3],
        [3, 3],
      ],
      [0, 100],
      [true, false],
    ],
    [
      'spills over P1 into P2',
      [
        [0, 2],
        [1, 2],
        [4, 4],
      ],
      [0, 70, 30],
      [true, false, false],
    ],
    [
      'nothing healthy -> all to P0 in panic',
      [
        [0, 3],
        [0, 3],
      ],
      [100, 0],
      [true, true],
    ],
    [
      'total panic follows host counts',
      [
        [1, 4],
        [0, 2],
      ],
      [66.7, 33.3],
      [true, true],
    ],
    [
      '1 of 3 P0 healthy is in panic but still takes its 46.7 %',
      [
        [1, 3],
        [3, 3],
      ],
      [46.7, 53.3],
      [true, false],
    ],
  ];
  for (const [name, levels, load, panic] of table) {
    it(name, () => {
      const r = priorityLoad(levels.map(([healthy, total]) => ({ healthy, total })));
      assert.deepEqual(round(r.load), load);
      assert.deepEqual(r.panic, panic);
      assert.ok(Math.abs(r.load.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'loads sum to 1');
    });
  }

  it('scales a locality weight by its availability', () => {
    assert.equal(effectiveLocalityWeight(10, { healthy: 1, total: 2 }), 7);
    assert.equal(effectiveLocalityWeight(10, { healthy: 0, total: 2 }), 0);
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
