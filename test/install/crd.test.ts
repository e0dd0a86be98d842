/**
 * The IngressGateway CRD `install remote` prints, generated from the resource model: its schema is structural (what
 * the API server requires of a CRD), and the project's own gateway examples pass it with nothing pruned, so a
 * gateway applied to a real cluster keeps every field the controller reads. A broken object is caught by the same
 * walk, which shows the walk checks something.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdFor } from '../../src/install/index.js';
import { EXAMPLES } from '../support/paths.js';

type Schema = Record<string, unknown>;
const crd = crdFor('IngressGateway') as unknown as {
  metadata: { name: string };
  spec: { group: string; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
};
const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;

/** The structural-schema rules of apiextensions.k8s.io/v1 that a generated schema could break. */
function structuralProblems(s: Schema, path = ''): string[] {
  const out: string[] = [];
  const typed = s.type !== undefined || s['x-kubernetes-int-or-string'] || s['x-kubernetes-preserve-unknown-fields'];
  if (!typed) out.push(`${path || '/'}: no type`);
  for (const banned of ['$ref', '$schema', 'anyOf', 'oneOf', 'allOf', 'not', 'propertyNames', 'const']) {
    if (banned in s) out.push(`${path}: ${banned}`);
  }
  if (s.properties && s.additionalProperties) out.push(`${path}: properties and additionalProperties together`);
  for (const [k, v] of Object.entries((s.properties as Record<string, Schema>) ?? {}))
    out.push(...structuralProblems(v, `${path}/${k}`));
  if (s.items) out.push(...structuralProblems(s.items as Schema, `${path}[]`));
  if (s.additionalProperties && typeof s.additionalProperties === 'object')
    out.push(...structuralProblems(s.additionalProperties as Schema, `${path}/*`));
  return out;
}

/** What the API server would prune or refuse in `value`: unknown fields, wrong types, values outside an enum. */
function admissionProblems(value: unknown, s: Schema, path = ''): string[] {
  if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) return [];
  if (s['x-kubernetes-int-or-string'])
    return typeof value === 'string' || Number.isInteger(value) ? [] : [`${path}: not int-or-string`];
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const want = s.type === 'integer' ? 'number' : s.type;
  if (type !== want && !(value === null && s.nullable)) return [`${path}: ${type} where ${String(s.type)} is expected`];
  if (Array.isArray(s.enum) && !s.enum.includes(value)) return [`${path}: ${String(value)} not in enum`];
  if (type === 'array')
    return (value as unknown[]).flatMap((v, i) => admissionProblems(v, s.items as Schema, `${path}[${i}]`));
  if (type !== 'object') return [];
  const props = (s.properties ?? {}) as Record<string, Schema>;
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    // The API server validates an object's metadata itself; a CRD schema may only say it is an object.
    if (path === '' && k === 'metadata') return [];
    if (props[k]) return admissionProblems(v, props[k], `${path}/${k}`);
    if (s.additionalProperties) return admissionProblems(v, s.additionalProperties as Schema, `${path}/${k}`);
    return s['x-kubernetes-preserve-unknown-fields'] ? [] : [`${path}/${k}: pruned (not in the schema)`];
  });
}

test('the CRD is named and versioned from the kind registry', () => {
  assert.equal(crd.metadata.name, 'ingressgateways.install.tetrate.io');
  assert.equal(crd.spec.group, 'install.tetrate.io');
  assert.deepEqual(
    crd.spec.versions.map((v) => v.name),
    ['v1alpha1'],
  );
});

test('the schema generated from the model is structural', () => {
  assert.deepEqual(structuralProblems(schema), []);
  const spec = (schema.properties as Record<string, Schema>).spec!;
  assert.ok((spec.properties as Record<string, Schema>).kubeSpec, 'the spec is described, not left open');
});

test("the project's gateway examples pass the CRD with nothing pruned", () => {
  let seen = 0;
  for (const file of ['eastwest-gateway.yaml', 'eastwest-gateway-locality.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8'))) {
      const obj = doc.toJS() as { kind?: string };
      if (obj?.kind !== 'IngressGateway') continue;
      seen++;
      assert.deepEqual(admissionProblems(obj, schema), [], file);
    }
  }
  assert.ok(seen >= 2, 'both examples hold an IngressGateway');
});

test('a gateway with a wrong type or an unknown field is caught by the same walk', () => {
  const bad = { apiVersion: 'install.tetrate.io/v1alpha1', kind: 'IngressGateway', metadata: {}, spec: {} } as Record<
    string,
    unknown
  >;
  bad.spec = { eastWestOnly: 'yes', kubeSpec: { service: { type: 'Balancer', colour: 'red' } } };
  assert.deepEqual(admissionProblems(bad, schema).sort(), [
    '/spec/eastWestOnly: string where boolean is expected',
    '/spec/kubeSpec/service/colour: pruned (not in the schema)',
    '/spec/kubeSpec/service/type: Balancer not in enum',
  ]);
});
