import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_LIST, CODES } from '../../src/api/index.js';
import { REPO_ROOT } from '../support/paths.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');

test('docs/errors.md lists exactly the catalogue: same codes, severities and titles, in order', () => {
  const rows = [...doc.matchAll(/^\| (MB\d{4}) \| (error|warning) \| (.+?) \|$/gm)].map((m) => ({
    code: m[1],
    severity: m[2],
    title: m[3],
  }));
  assert.deepEqual(
    rows,
    CODE_LIST.map(({ code, severity, title }) => ({ code, severity, title })),
  );
});

test('docs/errors.md explains every code in its own section', () => {
  const sections = [...doc.matchAll(/^### (MB\d{4})$/gm)].map((m) => m[1]);
  assert.deepEqual(
    sections,
    CODE_LIST.map((c) => c.code),
  );
});

test('codes are unique and follow the MBxxxx form', () => {
  const codes = Object.values(CODES).map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^MB\d{4}$/);
});
