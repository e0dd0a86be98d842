import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, SCHEMAS, apiVersionOf, jsonSchemaFor, validateObject } from '../../src/api/index.js';

import { at, del, set } from './kind-helpers.js';
import { CONFIG_TABLES } from './kind-tables-config.js';
import { K8S_TABLES } from './kind-tables-k8s.js';
import { MESH_TABLES } from './kind-tables-mesh.js';

const TABLES = [...K8S_TABLES, ...CONFIG_TABLES, ...MESH_TABLES];

test('every registry kind has a schema and a table here', () => {
  assert.deepEqual(Object.keys(SCHEMAS).sort(), KINDS.map((k) => k.kind).sort());
  assert.deepEqual(TABLES.map((t) => t.kind).sort(), KINDS.map((k) => k.kind).sort());
});

for (const { kind, valid, invalid } of TABLES) {
  test(`${kind}: the valid example is accepted in every served apiVersion`, () => {
    const info = KINDS.find((k) => k.kind === kind)!;
    for (const version of info.versions) {
      const r = validateObject({ ...structuredClone(valid), apiVersion: apiVersionOf(info.group, version) });
      assert.deepEqual(r.errors, []);
      assert.equal(r.ok, true);
      assert.equal(r.value?.kind, kind);
    }
  });
  for (const c of invalid) {
    test(`${kind}: ${c.why} (${c.code} at ${c.path})`, () => {
      const obj = structuredClone(valid);
      c.change(obj);
      const r = validateObject(obj);
      assert.equal(r.ok, false);
      assert.ok(
        r.errors.some((e) => e.code === c.code && e.path === c.path && e.kind === kind),
        JSON.stringify(r.errors),
      );
    });
  }
}

test('every kind refuses an unknown top-level field and a missing metadata.name', () => {
  for (const { kind, valid } of TABLES) {
    const extra = validateObject({ ...structuredClone(valid), extra: 1 });
    assert.ok(
      extra.errors.some((e) => e.code === 'MB0104' && e.path === 'extra'),
      kind,
    );
    const unnamed = structuredClone(valid);
    del('metadata.name')(unnamed);
    assert.ok(
      validateObject(unnamed).errors.some((e) => e.code === 'MB0102' && e.path === 'metadata.name'),
      kind,
    );
  }
});

test('a JSON Schema is exported for every kind, refusing unknown fields', () => {
  for (const { kind } of TABLES) {
    const schema = jsonSchemaFor(kind) as {
      type?: string;
      additionalProperties?: boolean;
      required?: string[];
      properties?: Record<string, { const?: string }>;
    };
    assert.equal(schema.type, 'object', kind);
    assert.equal(schema.additionalProperties, false, kind);
    assert.ok(schema.required?.includes('metadata'), kind);
    assert.equal(schema.properties?.kind?.const, kind);
  }
});

test('defaults are applied as the API server would, and only where absent', () => {
  const svc = validateObject(TABLES.find((t) => t.kind === 'Service')!.valid).value;
  assert.deepEqual(at(svc, 'spec.ports'), [{ port: 9080, name: 'http', protocol: 'TCP', targetPort: 9080 }]);
  assert.equal(at(svc, 'spec.type'), 'ClusterIP');
  const dep = structuredClone(TABLES.find((t) => t.kind === 'Deployment')!.valid);
  set('spec.template.spec.containers[0].image', 'nginx:1.27')(dep);
  const d = validateObject(dep).value;
  assert.equal(at(d, 'spec.replicas'), 1);
  assert.equal(at(d, 'spec.template.spec.containers[0].imagePullPolicy'), 'IfNotPresent');
  assert.equal(at(d, 'spec.template.spec.containers[0].ports[0].protocol'), 'TCP');
  set('spec.replicas', 0)(dep);
  assert.equal(at(validateObject(dep).value, 'spec.replicas'), 0);
  const gw = validateObject({
    apiVersion: 'install.tetrate.io/v1alpha1',
    kind: 'IngressGateway',
    metadata: { name: 'g' },
  });
  assert.equal(at(gw.value, 'spec.kubeSpec.service.type'), 'LoadBalancer');
});

test('explicit nulls read as absent, as Kubernetes reads them', () => {
  const r = validateObject({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'x', creationTimestamp: null, labels: null },
    spec: null,
  });
  assert.deepEqual(r.errors, []);
});

test('validateObject never throws, whatever it is given', () => {
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 0; i < 10_000; i++) deep = (deep.a = {}) as Record<string, unknown>;
  for (const input of [
    null,
    undefined,
    42,
    'x',
    [],
    [1],
    {},
    { kind: 5 },
    { apiVersion: 'v1', kind: 'Nope' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: root },
  ]) {
    const r = validateObject(input);
    assert.equal(r.ok, false);
    assert.ok(r.errors.length > 0);
  }
});

test('rules within an object still run on its valid parts when another part fails the schema', () => {
  const dep = structuredClone(TABLES.find((t) => t.kind === 'Deployment')!.valid);
  set('metadata.labels', { version: 1 })(dep);
  set('spec.template.metadata.labels.app', 'other')(dep);
  set('spec.template.spec.containers[1]', { name: 'app', image: 'nginx' })(dep);
  const codes = validateObject(dep).errors.map((e) => `${e.code} ${e.path}`);
  assert.deepEqual(codes.sort(), [
    'MB0103 metadata.labels.version',
    'MB0201 spec.selector.matchLabels.app',
    'MB0203 spec.template.spec.containers[1].name',
  ]);
});
