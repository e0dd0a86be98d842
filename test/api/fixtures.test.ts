import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_LIST, validateSources } from '../../src/api/index.js';
import { API_FIXTURES, summary } from './support.js';

// Each fixture states, in `# expect:` lines, exactly the problems it must produce (position, severity, code,
// object and field path). Invalid fixtures must produce at least one error; valid ones none (warnings allowed
// only when stated).
const seen = new Set<string>();

for (const dir of ['invalid', 'valid'] as const) {
  for (const name of readdirSync(join(API_FIXTURES, dir)).sort()) {
    const text = readFileSync(join(API_FIXTURES, dir, name), 'utf8');
    const expected = text
      .split('\n')
      .filter((l) => l.startsWith('# expect: '))
      .map((l) => l.slice('# expect: '.length));
    test(`${dir}/${name} reports exactly the problems it states`, () => {
      const result = validateSources([{ file: name, text }]);
      const actual = [...result.errors, ...result.warnings].map(summary);
      assert.deepEqual(actual.sort(), [...expected].sort());
      for (const issue of [...result.errors, ...result.warnings]) {
        seen.add(issue.code);
        assert.equal(issue.file, name);
        assert.ok(issue.message.length > 0);
      }
      if (dir === 'invalid') assert.ok(result.errors.length > 0, 'an invalid fixture must produce an error');
      else assert.equal(result.errors.length, 0);
      assert.equal(result.ok, result.errors.length === 0);
    });
  }
}

test('the fixtures exercise every configuration code of the catalogue but the input-size limits', () => {
  // Documents can carry the MB00xx-MB04xx codes; MB05xx and later are admission of local clusters and run time.
  // MB0005 (5 MiB) and MB0009 (10,000 documents) are too large for fixture files; parse.test.ts covers them.
  const untested = CODE_LIST.map((c) => c.code).filter(
    (c) => /^MB0[0-4]/.test(c) && !seen.has(c) && c !== 'MB0005' && c !== 'MB0009',
  );
  assert.deepEqual(untested, []);
});
