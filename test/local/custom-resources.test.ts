/**
 * Custom kinds of a local cluster, with the real kubectl (v1.32) and @kubernetes/client-node: once a
 * CustomResourceDefinition is applied its group, version and kind are discovered, its objects are stored, listed
 * and validated against its `openAPIV3Schema` (422 with one Kubernetes-style cause per field), `status` is a
 * subresource when the CRD says so, and deleting the CRD deletes its objects and stops serving the kind.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { rows, startKubectlApi, type KubectlApi } from './kubectl-api-support.js';

let api: KubectlApi;
before(async () => {
  api = await startKubectlApi();
  await api.kubectl(['create', 'namespace', 'apps']);
});
after(() => api.stop());

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList', shortNames: ['wd'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 10 },
                  color: { type: 'string', enum: ['red', 'blue'] },
                  tags: { type: 'array', maxItems: 2, items: { type: 'string', pattern: '^[a-z]+$' } },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      },
    ],
  },
};
const widget = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'apps' }, spec });

test('before its CRD the kind is unknown; after it, discovery names it and kubectl applies and lists it', async () => {
  const before = await api.kubectl(['get', 'widgets', '-n', 'apps'], { allowFail: true });
  assert.notEqual(before.status, 0);
  assert.match(before.stderr, /the server doesn't have a resource type "widgets"/);
  await api.kubectl(['apply', '-f', '-'], { input: JSON.stringify(CRD) });
  await api.kubectl(['wait', '--for=condition=established', '--timeout=10s', 'crd/widgets.example.com']);
  const resources = (await api.kubectl(['api-resources', '--api-group=example.com'])).stdout;
  assert.match(resources, /widgets\s+wd\s+example.com\/v1\s+true\s+Widget/);
  const out = await api.kubectl(['apply', '-f', '-'], {
    input: widget('small', { size: 2, color: 'red', tags: ['a'], labels: { k: 'v' }, extra: { any: [1] } }),
  });
  assert.match(out.stdout, /widget.example.com\/small created/);
  assert.deepEqual(
    rows((await api.kubectl(['get', 'wd', '-n', 'apps'])).stdout).map((r) => r[0]),
    ['small'],
  );
  const got = await api.json<{ spec: unknown }>(['get', 'widget', 'small', '-n', 'apps']);
  assert.deepEqual(got.spec, { size: 2, color: 'red', tags: ['a'], labels: { k: 'v' }, extra: { any: [1] } });
  // kubectl explain reads the kind's schema from the OpenAPI v3 document.
  const explained = (await api.kubectl(['explain', 'widgets.spec.size'])).stdout;
  assert.match(explained, /KIND:\s+Widget/);
  assert.match(explained, /FIELD:\s+size <integer>/);
});

test('an object that breaks the schema is refused with every field named, and nothing is stored', async () => {
  const r = await api.kubectl(['apply', '-f', '-'], {
    input: widget('bad', { size: 11, color: 'green', tags: ['a', 'B', 'c'], labels: { k: 1 }, shape: 'round' }),
    allowFail: true,
  });
  assert.notEqual(r.status, 0);
  for (const cause of [
    'spec.size: must be at most 10',
    'spec.color: must be one of "red", "blue"',
    'spec.tags: must have at most 2 items',
    'spec.tags[1]: must match ^[a-z]+$',
    'spec.labels.k: expected string, got integer',
    'spec.shape: unknown field',
  ]) {
    assert.ok(r.stderr.includes(cause), `${cause} in ${r.stderr}`);
  }
  const huge = await api.kubectl(['create', '-f', '-'], {
    input: widget('huge', { size: 1, extra: { blob: 'x'.repeat(1600 * 1024) } }),
    allowFail: true,
  });
  assert.match(huge.stderr, /an object is at most 1572864 bytes/);
  const missing = await api.kubectl(['apply', '-f', '-'], { input: widget('empty', {}), allowFail: true });
  assert.match(missing.stderr, /spec.size: required/);
  const names = rows((await api.kubectl(['get', 'widgets', '-n', 'apps'])).stdout).map((row) => row[0]);
  assert.deepEqual(names, ['small']);
});

test('status is a subresource: an object write keeps it, a status write sets it', async () => {
  await api.kubectl([
    'patch',
    'widget',
    'small',
    '-n',
    'apps',
    '--subresource=status',
    '--type=merge',
    '-p',
    '{"status":{"ready":true}}',
  ]);
  await api.kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({ ...JSON.parse(widget('small', { size: 3 })), status: { ready: false } }),
  });
  const got = await api.json<{ spec: { size: number }; status: unknown }>(['get', 'widget', 'small', '-n', 'apps']);
  assert.equal(got.spec.size, 3);
  assert.deepEqual(got.status, { ready: true });
});

test('client-node creates, lists and watches custom objects, and reads the 422 of an invalid one', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(join(api.dir, 'kubeconfig'));
  const custom = kc.makeApiClient(CustomObjectsApi);
  const where = { group: 'example.com', version: 'v1', namespace: 'apps', plural: 'widgets' };
  const events: string[] = [];
  const watching = await new Watch(kc).watch(
    '/apis/example.com/v1/namespaces/apps/widgets',
    { resourceVersion: '0' },
    (type: string, obj: { metadata?: { name?: string } }) => events.push(`${type} ${obj.metadata?.name ?? ''}`),
    () => undefined,
  );
  try {
    await custom.createNamespacedCustomObject({ ...where, body: JSON.parse(widget('from-client', { size: 5 })) });
    const list = (await custom.listNamespacedCustomObject(where)) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(list.items.map((i) => i.metadata.name).sort(), ['from-client', 'small']);
    const refused = await custom
      .createNamespacedCustomObject({ ...where, body: JSON.parse(widget('too-big', { size: 99 })) })
      .then(
        () => undefined,
        (e: { code?: number; body?: string }) => e,
      );
    assert.equal(refused?.code, 422);
    assert.match(refused?.body ?? '', /spec.size: must be at most 10/);
    const end = Date.now() + 5000;
    while (!events.includes('ADDED from-client') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.ok(events.includes('ADDED from-client'), events.join(', '));
  } finally {
    watching.abort();
  }
});

test('deleting the CRD deletes its objects and the kind is no longer served', async () => {
  await api.kubectl(['delete', 'crd', 'widgets.example.com']);
  const r = await api.kubectl(['get', 'widgets', '-n', 'apps'], { allowFail: true });
  assert.notEqual(r.status, 0);
  await api.kubectl(['apply', '-f', '-'], { input: JSON.stringify(CRD) });
  assert.equal((await api.kubectl(['get', 'widgets', '-n', 'apps'])).stdout, '');
});
