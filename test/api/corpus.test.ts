import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { KINDS, formatIssue, validateSources, type Source } from '../../src/api/index.js';
import { k8sKinds } from './corpus-k8s.js';
import { meshKinds } from './corpus-mesh.js';
import { API_FIXTURES, readShared, sharedFixtureFiles } from './support.js';

const generators: Record<string, fc.Arbitrary<unknown>> = { ...k8sKinds, ...meshKinds };
const PER_KIND = 8;

/** The valid corpus: generated objects of every kind (as YAML and as JSON), the hand-written valid fixtures and the shared fixtures. */
function corpus(): Source[] {
  const generated = Object.entries(generators).flatMap(([kind, arb], k) =>
    fc.sample(arb, { numRuns: PER_KIND, seed: 4242 + k }).map((obj, i) => ({
      file: `generated/${kind}-${i}.${i % 2 === 0 ? 'yaml' : 'json'}`,
      text: i % 2 === 0 ? stringify(obj) : JSON.stringify(obj, null, 1),
    })),
  );
  const handWritten = readdirSync(join(API_FIXTURES, 'valid')).map((name) => ({
    file: `valid/${name}`,
    text: readFileSync(join(API_FIXTURES, 'valid', name), 'utf8'),
  }));
  const shared = sharedFixtureFiles().map((file) => ({ file, text: readShared(file) }));
  return [...generated, ...handWritten, ...shared];
}

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
