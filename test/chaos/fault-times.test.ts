import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailures, faultTimes } from './fault-times.js';
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

test('describeFailures: when the failed requests were sent relative to the fault, and their reasons counted', () => {
  assert.equal(describeFailures([sample(900, 1000)], 1000), '');
  const failed = (at: number, status: number, detail: string): LoadSample => ({
    at,
    doneAt: at + 10,
    ok: false,
    status,
    detail,
  });
  assert.equal(
    describeFailures(
      [failed(900, 0, 'client timeout'), sample(950, 960), failed(1200, 503, ''), failed(1300, 0, 'client timeout')],
      1000,
    ),
    'sent -100..+300 ms: 2 x client timeout, 1 x 503',
  );
});
