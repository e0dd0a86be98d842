import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultTimes } from './fault-times.js';
import type { LoadSample } from '../support/steady-load.js';

const sample = (at: number, doneAt: number, ok = true): LoadSample => ({
  at,
  doneAt,
  ok,
  status: ok ? 200 : 503,
  detail: '',
});

test('faultTimes: first answer to a request sent at or after the fault, slowest request the fault could delay', () => {
  const cases: { name: string; samples: LoadSample[]; want: { firstAnswerMs: number; slowestMs: number } }[] = [
    { name: 'no samples', samples: [], want: { firstAnswerMs: Number.NaN, slowestMs: Number.NaN } },
    {
      name: 'only requests answered before the fault',
      samples: [sample(0, 900)],
      want: { firstAnswerMs: Number.NaN, slowestMs: Number.NaN },
    },
    {
      name: 'a request in flight at the fault counts for the slowest, not for the first answer',
      samples: [sample(900, 3000), sample(1000, 1200), sample(1100, 1150)],
      want: { firstAnswerMs: 150, slowestMs: 2100 },
    },
    {
      name: 'failed answers are not answers',
      samples: [sample(1000, 1010, false), sample(1050, 1400)],
      want: { firstAnswerMs: 400, slowestMs: 350 },
    },
  ];
  for (const c of cases) assert.deepEqual(faultTimes(c.samples, 1000), c.want, c.name);
});
