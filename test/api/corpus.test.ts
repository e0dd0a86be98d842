import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, formatIssue, validateSources } from '../../src/api/index.js';
import { corpus, generators } from './valid-corpus.js';

test('there is a generator for every kind of the registry', () => {
  assert.deepEqual(Object.keys(generators).sort(), KINDS.map((k) => k.kind).sort());
});

test('a valid corpus of over 100 documents covering every kind is accepted with zero false rejections', () => {
  const kinds = new Set<string>();
  let documents = 0;
  const rejected: string[] = [];
  // Each source is its own set: generated objects name random parents that another source need not define.
  for (const source of corpus()) {
    const result = validateSources([source]);
    documents += result.results.length;
    for (const { document } of result.results) kinds.add((document.object as { kind: string }).kind);
    rejected.push(...result.errors.map(formatIssue));
  }
  assert.deepEqual(rejected, []);
  assert.ok(documents >= 100, `only ${documents} documents`);
  assert.deepEqual([...kinds].sort(), KINDS.map((k) => k.kind).sort());
});
