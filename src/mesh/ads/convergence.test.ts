import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConvergenceTracker } from './convergence.js';

function tracker() {
  let now = 0;
  const observed: number[] = [];
  const t = new ConvergenceTracker({ onConverged: (ms) => observed.push(ms), now: () => now });
  return { t, observed, at: (ms: number) => (now = ms) };
}
const CDS = 'cds';
const EDS = 'eds';

test('a pass converges at the last ACK of the responses it sent, measured from the change', () => {
  const { t, observed, at } = tracker();
  const p1 = {};
  const p2 = {};
  t.beginPass(100);
  t.sent(p1, EDS, '4');
  t.sent(p2, EDS, '9');
  t.endPass();
  at(130);
  t.acked(p1, EDS, '4');
  assert.deepEqual(observed, [], 'one proxy is still pending');
  at(175);
  t.acked(p2, EDS, '9');
  assert.deepEqual(observed, [75]);
  assert.equal(t.lastMs, 75);
});

test('a later ACK of the same stream and type covers an earlier response; another type does not', () => {
  const { t, observed, at } = tracker();
  const p = {};
  t.beginPass(0);
  t.sent(p, CDS, '1');
  t.sent(p, EDS, '2');
  t.endPass();
  t.beginPass(10);
  t.sent(p, EDS, '3');
  t.endPass();
  at(20);
  t.acked(p, EDS, '3'); // covers EDS 2 (superseded) and 3: the second pass converges
  assert.deepEqual(observed, [10]);
  at(40);
  t.acked(p, CDS, '1');
  assert.deepEqual(observed, [10, 40]);
});

test('a proxy that goes away no longer holds a pass up; a pass that sent nothing is not measured', () => {
  const { t, observed, at } = tracker();
  const gone = {};
  const stays = {};
  t.beginPass(0);
  t.endPass();
  t.beginPass(5);
  t.sent(gone, EDS, '1');
  t.sent(stays, EDS, '1');
  t.endPass();
  at(8);
  t.acked(stays, EDS, '1');
  at(50);
  t.dropped(gone);
  assert.deepEqual(observed, [45]);
  t.acked(stays, EDS, 'x'); // not a number: ignored
  t.acked({}, EDS, '1'); // unknown stream: ignored
  assert.deepEqual(observed, [45]);
});
