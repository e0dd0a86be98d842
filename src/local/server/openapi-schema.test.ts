import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindSchema, toOpenApiSchema } from './openapi-schema.js';

test('2020-12 forms become OpenAPI 3.0 ones (table)', () => {
  const cases: [string, unknown, unknown][] = [
    ['$schema dropped', { $schema: 'x', type: 'string' }, { type: 'string' }],
    ['const -> enum', { const: 'v1' }, { enum: ['v1'] }],
    [
      'numeric exclusiveMinimum',
      { type: 'number', exclusiveMinimum: 0 },
      { type: 'number', minimum: 0, exclusiveMinimum: true },
    ],
    [
      'numeric exclusiveMaximum',
      { type: 'number', exclusiveMaximum: 1 },
      { type: 'number', maximum: 1, exclusiveMaximum: true },
    ],
    [
      'int or string',
      {
        anyOf: [
          { type: 'integer', minimum: 0 },
          { type: 'string', minLength: 1 },
        ],
      },
      { 'x-kubernetes-int-or-string': true },
    ],
    [
      'nested in properties and items',
      { type: 'object', properties: { ports: { type: 'array', items: { const: 1 } } } },
      { type: 'object', properties: { ports: { type: 'array', items: { enum: [1] } } } },
    ],
    [
      'a property named const is a property',
      { properties: { const: { type: 'string' } } },
      { properties: { const: { type: 'string' } } },
    ],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(toOpenApiSchema(input), want, name);
});

test('a kind schema carries x-kubernetes-group-version-kind and a description, and its input is untouched', () => {
  const input = { $schema: 's', type: 'object', properties: { a: { const: 1 } } };
  const copy = structuredClone(input);
  const out = kindSchema({ jsonSchema: input, group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.deepEqual(out['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.match(String(out.description), /^Deployment \(apps\/v1\)/);
  assert.deepEqual(input, copy);
});
