/**
 * One catalogue of codes (src/api/codes.ts): docs/errors.md holds its generated table and a section per code, and
 * every code the code base throws or replies with is in it, in the one `MB<area><nn>` form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CODE_LIST, CODES, codeInfo } from '../../src/api/index.js';
import { codesTable } from '../../src/api/codes-table.js';
import { MGMT_CODES } from '../../src/mgmt/errors.js';
import { REPO_ROOT } from '../support/paths.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');

test('docs/errors.md holds the table generated from the catalogue (npm run docs:errors rewrites it)', () => {
  assert.ok(doc.includes(codesTable()), 'docs/errors.md is out of date: run npm run docs:errors');
});

test('docs/errors.md explains every code in its own section, in catalogue order', () => {
  const sections = [...doc.matchAll(/^### (MB\d{4})$/gm)].map((m) => m[1]);
  assert.deepEqual(
    sections,
    CODE_LIST.map((c) => c.code),
  );
});

test('codes are unique and of the form MB<area><nn>', () => {
  const codes = Object.values(CODES).map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^MB\d{4}$/);
});

test('every management-plane reply code has its HTTP status in the catalogue', () => {
  const mgmt = CODE_LIST.filter((c) => c.code.startsWith('MB90'));
  assert.ok(mgmt.length >= 14);
  for (const c of mgmt) {
    assert.ok(c.status !== undefined && c.status >= 400 && c.status < 600, `${c.code} status`);
    assert.equal(MGMT_CODES[c.code as keyof typeof MGMT_CODES], c);
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Code-like strings in source: quoted MB codes, `[MBxxxx]` message prefixes, and `code = '...'`/`code: '...'`. */
export function codesIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/['"`[](MB\d{4})['"`\]]/g)) out.add(m[1]!);
  for (const m of text.matchAll(/\bcode\s*[:=]\s*['"`]([^'"`]+)['"`]/g)) out.add(m[1]!);
  for (const m of text.matchAll(/['"`](MB[A-Z][A-Z0-9_]*\d|MB_[A-Z_]+_(?:ERROR|INVALID|QUERY|OPTIONS|ENV))['"`]/g)) {
    out.add(m[1]!);
  }
  return [...out];
}

test('every code the code base throws or replies with is in the catalogue', () => {
  const unknown: string[] = [];
  let seen = 0;
  for (const file of [...sourceFiles(join(REPO_ROOT, 'src')), ...sourceFiles(join(REPO_ROOT, 'ui', 'src'))]) {
    for (const code of codesIn(readFileSync(file, 'utf8'))) {
      // Node's and the platform's own error codes (ENOENT, FST_ERR_..., ERR_...) are not meshbridge's.
      if (!code.startsWith('MB')) continue;
      seen++;
      if (codeInfo(code) === undefined) unknown.push(`${relative(REPO_ROOT, file)}: ${code}`);
    }
  }
  assert.ok(seen > 60, `found ${seen} code uses`);
  assert.deepEqual(unknown, []);
});

test('the scan sees codes in each shape the code base uses', () => {
  assert.deepEqual(
    codesIn(
      [
        "throw new KubeError('MB7101', 'x');",
        'super(`[MB0901] ${message}`);',
        "  readonly code = 'MB_SOMETHING_QUERY';",
        "reply.send({ code: 'MBX001' })",
        "const X = 'MBI001';",
      ].join('\n'),
    ).sort(),
    ['MB0901', 'MB7101', 'MBI001', 'MBX001', 'MB_SOMETHING_QUERY'].sort(),
  );
});
