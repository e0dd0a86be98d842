// Custom resources against their CRD's openAPIV3Schema: each row is a value, what is wrong with it and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { celRules, validateAgainstSchema, type SchemaNode } from './structural-schema.js';

const schema: SchemaNode = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', minimum: 0, exclusiveMaximum: true, maximum: 5 },
        ratio: { type: 'number' },
        port: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true, maxLength: 3 },
        mode: { type: 'string', enum: ['a', 'b'] },
        items: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        map: { type: 'object', additionalProperties: { type: 'integer' }, maxProperties: 2 },
      },
    },
  },
};
const obj = (spec: unknown) => ({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' }, spec });

const CASES: { why: string; spec: unknown; issues: string[] }[] = [
  {
    why: 'a valid object (a number field takes an integer; int-or-string takes either)',
    spec: {
      replicas: 4,
      ratio: 1,
      port: 'http',
      note: null,
      mode: 'a',
      items: [{ name: 'x' }],
      free: { any: { deep: [1] } },
      map: { a: 1 },
    },
    issues: [],
  },
  { why: 'exclusive maximum', spec: { replicas: 5 }, issues: ['spec.replicas: must be less than 5'] },
  { why: 'below minimum', spec: { replicas: -1 }, issues: ['spec.replicas: must be at least 0'] },
  {
    why: 'integer field given a fraction',
    spec: { replicas: 1.5 },
    issues: ['spec.replicas: expected integer, got number'],
  },
  {
    why: 'int-or-string given a boolean',
    spec: { port: true },
    issues: ['spec.port: expected an integer or a string, got boolean'],
  },
  { why: 'null where not nullable', spec: { mode: null }, issues: ['spec.mode: must not be null'] },
  { why: 'string too long', spec: { note: 'abcd' }, issues: ['spec.note: must have at most 3 characters'] },
  { why: 'required inside an array item', spec: { items: [{}] }, issues: ['spec.items[0].name: required'] },
  { why: 'empty array under minItems', spec: { items: [] }, issues: ['spec.items: must have at least 1 items'] },
  { why: 'unknown field', spec: { other: 1 }, issues: ['spec.other: unknown field'] },
  {
    why: 'map value type and size',
    spec: { map: { a: 'x', b: 1, c: 2 } },
    issues: ['spec.map: must have at most 2 fields', 'spec.map.a: expected integer, got string'],
  },
];

for (const c of CASES) {
  test(`schema check: ${c.why}`, () => {
    const issues = validateAgainstSchema(schema, obj(c.spec)).map((i) => `${i.path}: ${i.message}`);
    assert.deepEqual(issues, c.issues);
  });
}

test("a missing required top-level field is named; apiVersion, kind and metadata are the server's", () => {
  assert.deepEqual(validateAgainstSchema(schema, { apiVersion: 'x/v1', kind: 'X', metadata: {} }), [
    { path: 'spec', message: 'required' },
  ]);
});

test('at most 20 problems are reported for one object', () => {
  const spec = { items: Array.from({ length: 50 }, () => ({})) };
  assert.equal(validateAgainstSchema(schema, obj(spec)).length, 20);
});

test('CEL rules are found wherever they are, so a schema using them is refused rather than half-checked', () => {
  const withCel: SchemaNode = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != ""' }] } },
      },
    },
  };
  assert.deepEqual(celRules(withCel), ['spec.a']);
  assert.deepEqual(celRules(schema), []);
});
