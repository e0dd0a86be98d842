import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findForbiddenKey, isForbiddenKey } from './object-paths.js';

test('finds a __proto__ key that JSON.parse made an own property, with its path', () => {
  const v = JSON.parse('{"metadata":{"labels":{"a":"b"},"__proto__":{"polluted":1}}}');
  assert.equal(findForbiddenKey(v), 'metadata.__proto__');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('finds constructor and prototype inside arrays, and nothing in clean objects', () => {
  assert.equal(findForbiddenKey({ spec: { ports: [{ constructor: { prototype: 1 } }] } }), 'spec.ports[0].constructor');
  assert.equal(findForbiddenKey({ a: [1, { prototype: 2 }] }, ['body']), 'body.a[1].prototype');
  assert.equal(findForbiddenKey({ metadata: { name: 'constructor', labels: { proto: '__proto__' } } }), undefined);
  assert.equal(isForbiddenKey('__proto__'), true);
  assert.equal(isForbiddenKey(0), false);
});
