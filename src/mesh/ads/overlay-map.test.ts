import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverlayMap } from './overlay-map.js';

test('reads see the base until this owner changes a key; the base is never written', () => {
  const base = new Map([
    ['a', '1'],
    ['b', '2'],
  ]);
  const m = new OverlayMap(base);
  assert.equal(m.size, 2);
  assert.equal(m.get('a'), '1');
  m.set('a', '9').set('c', '3');
  assert.equal(m.delete('b'), true);
  assert.equal(m.delete('b'), false, 'deleting twice');
  assert.equal(m.delete('zz'), false, 'deleting a missing key');
  assert.deepEqual([...m.entries()].sort(), [
    ['a', '9'],
    ['c', '3'],
  ]);
  assert.deepEqual([...m.keys()].sort(), ['a', 'c']);
  assert.equal(m.size, 2);
  assert.equal(m.has('b'), false);
  assert.equal(m.get('b'), undefined);
  assert.deepEqual(
    [...base],
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
  m.set('b', '4');
  assert.equal(m.get('b'), '4');
  assert.equal(m.size, 3);
});

test('two owners of one base stay independent', () => {
  const base = new Map([['a', '1']]);
  const x = new OverlayMap(base);
  const y = new OverlayMap(base);
  x.set('a', '2');
  y.delete('a');
  assert.equal(x.get('a'), '2');
  assert.equal(y.has('a'), false);
  assert.equal(new OverlayMap(base).get('a'), '1');
});

test('many changes fold into a private copy with the same content, as a plain Map would hold', () => {
  const base = new Map(Array.from({ length: 100 }, (_, i) => [`k${i}`, `v${i}`] as [string, string]));
  const m = new OverlayMap(base);
  const model = new Map(base);
  for (let i = 0; i < 500; i++) {
    const key = `k${(i * 7) % 160}`;
    if (i % 3 === 0) {
      assert.equal(m.delete(key), model.delete(key), `delete ${key}`);
    } else {
      m.set(key, `w${i}`);
      model.set(key, `w${i}`);
    }
    assert.equal(m.size, model.size);
  }
  assert.deepEqual(new Map(m.entries()), model);
  assert.equal(base.size, 100);
  assert.equal(base.get('k1'), 'v1', 'the base is untouched');
});
