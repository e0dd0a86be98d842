import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseDocuments, validateObject } from '../../src/api/index.js';
import { corpus } from './valid-corpus.js';

const sources = corpus();

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
