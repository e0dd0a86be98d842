// The pure parts of the apply layer that need no cluster: the desired index's reuse of the last pass's hashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../api/canonical-json.js';
import { DESIRED_HASH_ANNOTATION, indexDesired, sameData } from './apply.js';
import type { GeneratedObject } from './types.js';

const entry = (name: string, address: string): GeneratedObject =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name, namespace: 'ns', labels: { app: name, 'meshbridge.io/managed-by': 'meshbridge-federation' } },
    spec: { address, ports: { http: 15443 }, labels: { app: name } },
  }) as unknown as GeneratedObject;

test('an index reuses the last pass entry of an equal object and hashes a changed one', () => {
  const first = indexDesired([entry('a', '10.0.0.1'), entry('b', '10.0.0.1')]);
  // Equal content in another key order, and a changed address.
  const a = entry('a', '10.0.0.1');
  const { spec } = a as unknown as { spec: unknown };
  const reordered = {
    spec,
    metadata: a.metadata,
    kind: a.kind,
    apiVersion: a.apiVersion,
  } as unknown as GeneratedObject;
  const second = indexDesired([reordered, entry('b', '10.0.0.2')], first);
  assert.equal(second.get('WorkloadEntry/ns/a'), first.get('WorkloadEntry/ns/a'), 'the equal object keeps its entry');
  const hash = (i: typeof first, k: string) => i.get(k)?.writable.metadata?.annotations?.[DESIRED_HASH_ANNOTATION];
  assert.notEqual(hash(second, 'WorkloadEntry/ns/b'), hash(first, 'WorkloadEntry/ns/b'));
  assert.equal(hash(second, 'WorkloadEntry/ns/b'), hash(indexDesired([entry('b', '10.0.0.2')]), 'WorkloadEntry/ns/b'));
});

test('sameData holds only where the canonical JSON (what the hash reads) is the same', () => {
  let seed = 11;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const value = (depth: number): unknown => {
    switch (rnd(depth > 2 ? 4 : 6)) {
      case 0:
        return rnd(3);
      case 1:
        return ['x', 'y', ''][rnd(3)];
      case 2:
        return [null, undefined, true][rnd(3)];
      case 3:
        return rnd(2) === 0 ? {} : [];
      case 4: {
        const o: Record<string, unknown> = {};
        for (let i = rnd(4); i > 0; i--) o[['a', 'b', 'c'][rnd(3)] as string] = value(depth + 1);
        return o;
      }
      default:
        return Array.from({ length: rnd(3) }, () => value(depth + 1));
    }
  };
  let same = 0;
  for (let i = 0; i < 5000; i++) {
    const a = value(0);
    const b = value(0);
    if (sameData(a, b)) {
      same++;
      assert.equal(canonicalJson(a), canonicalJson(b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
    // A copy with its keys reversed is always the same data.
    const reversed = JSON.parse(JSON.stringify(a ?? null), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as unknown;
    if (a !== undefined) assert.ok(sameData(JSON.parse(JSON.stringify(a)), reversed), JSON.stringify(a));
  }
  assert.ok(same > 100, `the random pairs hit equal values (${same})`);
  assert.equal(sameData({ a: 1, b: undefined }, { a: 1 }), true, 'an undefined field is no field');
  assert.equal(sameData([1, 2], { 0: 1, 1: 2 }), false);
});
