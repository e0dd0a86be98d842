import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { KINDS, formatIssue, parseDocuments, validateObject, validateSources } from '../../src/api/index.js';
import { corpus, generators } from './valid-corpus.js';

const sources = corpus();

test('there is a generator for every kind of the registry', () => {
  assert.deepEqual(Object.keys(generators).sort(), KINDS.map((k) => k.kind).sort());
});

test('a valid corpus of over 100 documents covering every kind is accepted with zero false rejections', () => {
  const kinds = new Set<string>();
  let documents = 0;
  const rejected: string[] = [];
  // Each source is its own set: generated objects name random parents that another source need not define.
  for (const source of sources) {
    const result = validateSources([source]);
    documents += result.results.length;
    for (const { document } of result.results) kinds.add((document.object as { kind: string }).kind);
    rejected.push(...result.errors.map(formatIssue));
  }
  assert.deepEqual(rejected, []);
  assert.ok(documents >= 100, `only ${documents} documents`);
  assert.deepEqual([...kinds].sort(), KINDS.map((k) => k.kind).sort());
});

// Round trips over the same corpus.

test('parse(serialize(parse(x))) equals parse(x), through YAML and through JSON, for the whole valid corpus', () => {
  let n = 0;
  for (const { file, text } of sources) {
    for (const doc of parseDocuments(text, file).documents) {
      for (const serialized of [stringify(doc.object), JSON.stringify(doc.object)]) {
        const again = parseDocuments(serialized, file);
        assert.deepEqual(
          again.issues.filter((i) => i.severity === 'error'),
          [],
          file,
        );
        assert.deepEqual(
          again.documents.map((d) => d.object),
          [doc.object],
          file,
        );
      }
      n++;
    }
  }
  assert.ok(n >= 100, `${n}`);
});

test('defaulted values survive a round trip and stay valid; applying defaults twice changes nothing', () => {
  for (const { file, text } of sources) {
    for (const doc of parseDocuments(text, file).documents) {
      const first = validateObject(doc.object);
      assert.ok(first.ok && first.value, file);
      const [reparsed] = parseDocuments(stringify(first.value), file).documents;
      const second = validateObject(reparsed?.object);
      assert.deepEqual(second.errors, [], file);
      assert.deepEqual(second.value, first.value, file);
    }
  }
});

test('validation does not modify the object it is given', () => {
  for (const { file, text } of sources.slice(0, 40)) {
    for (const doc of parseDocuments(text, file).documents) {
      const before = structuredClone(doc.object);
      validateObject(doc.object);
      assert.deepEqual(doc.object, before, file);
    }
  }
});
