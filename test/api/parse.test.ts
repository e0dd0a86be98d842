import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARSE_LIMITS, formatIssue, parseDocuments, validateSources } from '../../src/api/index.js';

const codes = (text: string, options = {}) => parseDocuments(text, 'f.yaml', options).issues.map((i) => i.code);

test('multi-document YAML yields one document per non-empty document, with its index in the file', () => {
  const r = parseDocuments('---\n# only a comment\n---\na: 1\n---\n---\nb: [2]\n---\n', 'f.yaml');
  assert.deepEqual(r.issues, []);
  assert.deepEqual(
    r.documents.map((d) => [d.index, d.object]),
    [
      [1, { a: 1 }],
      [3, { b: [2] }],
    ],
  );
});

test('a v1 List (kubectl get -o yaml) stands for its items, each located inside the list', () => {
  const text =
    'apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: ""\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: b\n    bogus: 1\n';
  const r = validateSources([{ file: 'list.yaml', text }]);
  assert.deepEqual(
    r.results.map((d) => [d.document.index, d.document.item]),
    [
      [0, 0],
      [0, 1],
    ],
  );
  assert.deepEqual(r.errors.map(formatIssue), [
    'list.yaml:14:5 error [MB0104] Namespace/b: metadata.bogus: unknown field',
  ]);
});

test('JSON is read as YAML, with positions', () => {
  const text = '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "x", "nope": 1}\n}\n';
  const r = validateSources([{ file: 'ns.json', text }]);
  assert.deepEqual(r.errors.map(formatIssue), [
    'ns.json:4:29 error [MB0104] Namespace/x: metadata.nope: unknown field',
  ]);
});

test('locate points at the key of a field, the start of a list item, or the nearest existing ancestor', () => {
  const text = 'spec:\n  ports:\n  - port: 1\n    name: a\n  - port: 2\n';
  const [doc] = parseDocuments(text, 'f.yaml').documents;
  assert.ok(doc);
  assert.deepEqual(doc.locate('spec.ports[1].port'), { line: 5, column: 5 });
  assert.deepEqual(doc.locate('spec.ports[0].name'), { line: 4, column: 5 });
  assert.deepEqual(doc.locate('spec.ports[1]'), { line: 5, column: 5 });
  assert.deepEqual(doc.locate(['spec', 'ports', 0, 'missing', 'deeper']), { line: 3, column: 5 });
  assert.deepEqual(doc.locate('spec.nothing'), { line: 1, column: 1 });
  assert.deepEqual(doc.locate(''), { line: 1, column: 1 });
});

test('keys that are not identifiers are located through their quoted path form', () => {
  const text = 'metadata:\n  labels:\n    app.kubernetes.io/name: 5\n';
  const [doc] = parseDocuments(text, 'f.yaml').documents;
  assert.deepEqual(doc?.locate('metadata.labels["app.kubernetes.io/name"]'), { line: 3, column: 5 });
});

test('a syntax error in one document leaves the other documents parsed', () => {
  const r = parseDocuments('a: [1\n---\nb: 2\n', 'f.yaml');
  assert.deepEqual(
    r.documents.map((d) => d.object),
    [{ b: 2 }],
  );
  assert.ok(r.issues.length >= 1);
  assert.ok(
    r.issues.every((i) => i.code === 'MB0001' && i.line <= 2),
    JSON.stringify(r.issues),
  );
});

test('duplicate keys are refused with the position of the repeated key', () => {
  const r = parseDocuments('a: 1\nb:\n  c: 1\n  c: 2\n', 'f.yaml');
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.line, i.column]),
    [['MB0002', 4, 3]],
  );
  assert.deepEqual(r.documents, []);
});

test('inputs over the size limit are refused without parsing', () => {
  const big = `a: "${'x'.repeat(PARSE_LIMITS.maxBytes)}"\n`;
  assert.deepEqual(codes(big), ['MB0005']);
  assert.deepEqual(codes('a: 12345\n', { maxBytes: 4 }), ['MB0005']);
  // The limit counts UTF-8 bytes, not characters.
  assert.deepEqual(codes('a: ééé\n', { maxBytes: 8 }), ['MB0005']);
  assert.deepEqual(codes('a: eee\n', { maxBytes: 8 }), []);
});

test('flow nesting past the limit is refused by the pre-scan, located at the first bracket too deep', () => {
  const r = parseDocuments(`a: ${'['.repeat(101)}${']'.repeat(101)}\n`, 'f.yaml');
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.line, i.column]),
    [['MB0004', 1, 104]],
  );
  // The root mapping is the first level, so 99 brackets make 100 levels.
  assert.deepEqual(codes(`a: ${'['.repeat(99)}${']'.repeat(99)}\n`), []);
});

test('brackets in quoted strings, comments and plain text do not count as nesting', () => {
  const text = `a: "${'['.repeat(300)}"\nb: '${'{'.repeat(300)}'\n# ${'['.repeat(300)}\nc: x${'['.repeat(300)}\nd: [don't]\ne: it's\nf: x${'['.repeat(300)}\n`;
  assert.deepEqual(codes(text), []);
});

test('block nesting past the limit is refused', () => {
  const lines = Array.from({ length: 102 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
  assert.deepEqual(codes(lines), ['MB0004']);
  assert.deepEqual(codes(lines, { maxDepth: 200 }), []);
});

test('alias bombs are refused at the first alias; a few aliases are fine', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  ];
  const r = parseDocuments(bomb.join('\n'), 'f.yaml');
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.line, i.column]),
    [['MB0003', 2, 8]],
  );
  assert.deepEqual(codes('base: &b {x: 1}\none: *b\ntwo: *b\n'), []);
});

test('merge keys are expanded as kubectl does', () => {
  const [doc] = parseDocuments('base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n', 'f.yaml').documents;
  assert.deepEqual(doc?.object, { base: { x: 1 }, merged: { x: 1, y: 2 } });
});

test('the document count is bounded', () => {
  assert.deepEqual(codes('a: 1\n---\nb: 2\n---\nc: 3\n', { maxDocuments: 2 }), ['MB0009']);
});

test('values JSON cannot carry are refused at their field', () => {
  const r = parseDocuments('a:\n  b: !!binary aGk=\n', 'f.yaml');
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.path, i.line, i.column]),
    [['MB0008', 'a.b', 2, 3]],
  );
  assert.deepEqual(codes('a: !custom x\n'), ['MB0008']);
  assert.deepEqual(codes('a: .nan\n'), ['MB0008']);
  assert.deepEqual(codes('a: &x [1, *x]\n'), ['MB0008']);
  assert.deepEqual(codes('? [a]\n: b\n'), ['MB0008']);
});

test('an alias to an undefined anchor is a syntax error, not an alias bomb', () => {
  assert.deepEqual(codes('a: *nowhere\n'), ['MB0001']);
});

test('values kubectl (YAML 1.1) reads differently are warned about; quoted ones and keys are not', () => {
  const r = parseDocuments('a: on\nb: "on"\nyes: 1\nc: [no]\nmode: 0644\nother: 0o644\nplain: 644\n', 'f.yaml');
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.severity, i.line]),
    [1, 4, 5, 6].map((line) => ['MB0007', 'warning', line]),
  );
  assert.match(r.issues[2]!.message, /octal number 420/);
  assert.deepEqual(r.documents[0]?.object, { a: 'on', b: 'on', yes: 1, c: ['no'], mode: 644, other: 420, plain: 644 });
});

test('parsing never throws, whatever the bytes', () => {
  for (const text of [
    '\u0000\u0001',
    '%YAML 9.9\n---\na',
    '*unknown',
    '&a [*a]',
    '? [a]\n: b',
    ']]]]',
    '\uFEFFa: 1',
    '---\n...\n...',
  ]) {
    const r = parseDocuments(text, 'f.yaml');
    assert.ok(Array.isArray(r.documents) && Array.isArray(r.issues));
  }
});
