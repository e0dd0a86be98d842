import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonical-json.js';

/** The definition: JSON.stringify with every plain object's keys sorted. */
const reference = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );

test('canonical JSON sorts keys at every level and is otherwise JSON.stringify', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } }),
    '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
  );
  assert.equal(canonicalJson({ a: undefined, b: () => 1, c: [undefined, () => 1] }), '{"c":[null,null]}');
  assert.equal(canonicalJson([NaN, Infinity, -0, 1e21, 1.5e-7]), '[null,null,0,1e+21,1.5e-7]');
  assert.equal(canonicalJson('é"\\\n\u2028'), JSON.stringify('é"\\\n\u2028'));
  assert.equal(canonicalJson({ at: new Date(0) }), '{"at":"1970-01-01T00:00:00.000Z"}');
  assert.equal(canonicalJson(undefined), undefined);
  assert.throws(() => canonicalJson({ n: 1n }), TypeError);
});

test('canonical JSON equals the reference on random values (keys in UTF-16 order, not locale order)', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const keys = [
    'a',
    'B',
    'b',
    '_',
    'é',
    'z',
    '10',
    '9',
    'aa',
    '',
    'Z',
    '\u{1F600}',
    'ß',
    'a"b',
    'c\\d',
    'tab\t',
    '~\x7f',
  ];
  const value = (depth: number): unknown => {
    switch (rnd(depth > 3 ? 5 : 8)) {
      case 0:
        return rnd(1000) - 500 + rnd(7) / 4;
      case 1:
        return keys[rnd(keys.length)];
      case 2:
        return rnd(2) === 0;
      case 3:
        return null;
      case 4:
        return undefined;
      case 5:
      case 6: {
        const o: Record<string, unknown> = {};
        for (let i = rnd(6); i > 0; i--) o[keys[rnd(keys.length)] as string] = value(depth + 1);
        return o;
      }
      default:
        return Array.from({ length: rnd(5) }, () => value(depth + 1));
    }
  };
  for (let i = 0; i < 2000; i++) {
    const v = value(0);
    assert.equal(canonicalJson(v), reference(v), JSON.stringify(v));
  }
});
