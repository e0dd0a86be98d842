import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffResources, resourceVersion, selectResources, subscriptionKey } from './resource-diff.js';
import type { XdsObject } from '../xds-types.js';

const a1: XdsObject = { name: 'a', v: 1 };
const a1copy = { name: 'a', v: 1 };
const a2 = { name: 'a', v: 2 };
const b = { name: 'b' };
const c = { cluster_name: 'c' };

test('diffResources: table of before/after lists', () => {
  const cases: Array<[string, XdsObject[] | undefined, XdsObject[], string[], string[]]> = [
    ['nothing held: everything is new', undefined, [a1, b], ['a', 'b'], []],
    ['same objects: nothing', [a1, b], [a1, b], [], []],
    ['an equal copy is not a change', [a1, b], [a1copy, b], [], []],
    ['new content is a change', [a1, b], [a2, b], ['a'], []],
    ['an added resource', [a1], [a1, c], ['c'], []],
    ['a removed resource', [a1, b, c], [a1, c], [], ['b']],
    ['everything removed', [a1, b], [], [], ['a', 'b']],
  ];
  for (const [what, before, after, changed, removed] of cases) {
    const d = diffResources(before, after);
    assert.deepEqual(
      d.changed.map(
        (r) => (r as { name?: string; cluster_name?: string }).name ?? (r as { cluster_name: string }).cluster_name,
      ),
      changed,
      what,
    );
    assert.deepEqual([...d.removed], removed, what);
  }
});

test('diffResources is computed once per (before, after) pair and the same list twice is free', () => {
  const before = [a1, b];
  const after = [a2, b];
  assert.equal(diffResources(before, after), diffResources(before, after));
  assert.equal(diffResources(after, after).changed.length, 0);
});

test('selectResources shares one selection per list and name set; a wildcard is the list itself', () => {
  const all = [a1, b, c];
  assert.equal(selectResources(all, { wildcard: true }), all);
  const sub = { names: new Set(['c', 'a']), key: subscriptionKey(['c', 'a']) };
  const s1 = selectResources(all, sub);
  assert.deepEqual(s1, [a1, c]);
  assert.equal(selectResources(all, { names: new Set(['a', 'c']), key: subscriptionKey(['a', 'c']) }), s1);
});

test('resourceVersion is a content hash: equal content, equal version; any change, another one', () => {
  assert.equal(resourceVersion(a1), resourceVersion(a1copy));
  assert.notEqual(resourceVersion(a1), resourceVersion(a2));
});
