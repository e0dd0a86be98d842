import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStrictJson } from './strict-json.js';

const parse = (text: string, maxDepth = 5) => parseStrictJson(text, { maxDepth });

test('accepts what JSON.parse accepts and returns the same value', () => {
  for (const text of [
    '{}',
    '[]',
    '0',
    '-1.5e3',
    '"a\\u00e9\\n"',
    'true',
    'null',
    ' {"a": [1, {"b": null}], "c": "d"} ',
  ]) {
    assert.deepEqual(parse(text), { ok: true, value: JSON.parse(text) }, text);
  }
});

test('refuses each problem with its reason, line, column and path', () => {
  const cases: [string, string, number, number, string, string][] = [
    ['{"a": 1, "a": 2}', 'duplicate-key', 1, 10, 'a', 'duplicate key "a"'],
    ['{"m": {\n  "x": 1,\n  "x": 2}}', 'duplicate-key', 3, 3, 'm.x', 'duplicate key "x"'],
    ['[[[[[[1]]]]]]', 'too-deep', 1, 6, '[0][0][0][0][0]', 'nesting deeper than 5 levels'],
    ['{"__proto__": {}}', 'forbidden-key', 1, 2, '__proto__', 'key "__proto__" is not allowed'],
    ['{"a": [{"constructor": 1}]}', 'forbidden-key', 1, 9, 'a[0].constructor', 'key "constructor" is not allowed'],
    ['{"a": 1,}', 'syntax', 1, 9, '', 'expected a string key'],
    ['{"a": 01}', 'syntax', 1, 8, '', "expected '}'"],
    ['[1] 2', 'syntax', 1, 5, '', 'unexpected text after the JSON value'],
    ['"a\\x"', 'syntax', 1, 1, '', 'invalid escape in a string'],
    ['', 'syntax', 1, 1, '', 'unexpected end of input'],
  ];
  for (const [text, reason, line, column, path, message] of cases) {
    assert.deepEqual(parse(text), { ok: false, error: { reason, line, column, path, message } }, text);
  }
});

test('a refused __proto__ key never touches the prototype of what was being built', () => {
  parse('{"a": {"__proto__": {"polluted": true}}}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
