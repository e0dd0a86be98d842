import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateObject } from '../../src/api/index.js';
import { FIXTURES } from '../support/paths.js';

/** The seed's shell fills ${ORG} and ${TEN} before applying; the tests do the same. */
function readFixture(path: string): string {
  return readFileSync(path, 'utf8').replaceAll('${ORG}', 'tetrate').replaceAll('${TEN}', 'tetrate');
}

const files = ['upstream', 'seed'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(FIXTURES, dir, f)),
);

for (const file of files) {
  test(`every document of ${file.slice(FIXTURES.length + 1)} is accepted as it is`, () => {
    const objects = parseAllDocuments(readFixture(file))
      .map((d) => ('toJS' in d ? (d.toJS() as unknown) : undefined))
      .filter((o) => o !== null && o !== undefined);
    assert.ok(objects.length > 0);
    for (const obj of objects) {
      const result = validateObject(obj);
      assert.deepEqual(result.errors, [], JSON.stringify(obj).slice(0, 120));
      assert.equal(result.ok, true);
    }
  });
}
