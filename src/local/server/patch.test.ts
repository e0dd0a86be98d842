import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patch.js';

const deployment = {
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          { name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80 }] },
          { name: 'side', image: 's:1' },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
};

test('JSON merge patch merges objects, deletes on null and replaces lists', () => {
  const out = jsonMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] });
  assert.deepEqual(out, { a: { b: 1, d: 3 }, l: [3] });
});

test('strategic merge patch merges containers by name and keeps fields the patch does not name', () => {
  const out = strategicMergePatch(deployment, {
    spec: { template: { spec: { containers: [{ name: 'app', image: 'a:2' }] } } },
  }) as typeof deployment;
  const [app, side] = out.spec.template.spec.containers;
  assert.equal(app?.image, 'a:2');
  assert.deepEqual(app?.env, [{ name: 'X', value: '1' }]);
  assert.equal(side?.image, 's:1');
});

test('strategic merge patch honours $patch: delete, $setElementOrder and $retainKeys', () => {
  const out = strategicMergePatch(deployment, {
    spec: {
      template: {
        spec: {
          $setElementOrder: undefined,
          '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
          containers: [{ name: 'app', $patch: 'delete' }],
          volumes: [{ name: 'tmp', $retainKeys: ['name', 'secret'], secret: { secretName: 's' } }],
        },
      },
    },
  }) as typeof deployment;
  assert.deepEqual(
    out.spec.template.spec.containers.map((c) => c.name),
    ['side'],
  );
  assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'tmp', secret: { secretName: 's' } }]);
});

test('strategic merge patch merges Service ports on port and container ports on containerPort', () => {
  const svc = strategicMergePatch(
    {
      spec: {
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https' },
        ],
      },
    },
    { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
  );
  assert.deepEqual(svc, {
    spec: {
      ports: [
        { port: 80, name: 'http', targetPort: 8080 },
        { port: 443, name: 'https' },
      ],
    },
  });
});

test('a list without a merge key is replaced, and a primitive list can lose items by $deleteFromPrimitiveList', () => {
  assert.deepEqual(strategicMergePatch({ args: ['a', 'b'] }, { args: ['c'] }), { args: ['c'] });
  assert.deepEqual(strategicMergePatch({ finalizers: ['a', 'b'] }, { '$deleteFromPrimitiveList/finalizers': ['a'] }), {
    finalizers: ['b'],
  });
});

test('JSON patch applies operations in order and a failed test operation throws', () => {
  const out = jsonPatch({ a: [1, 2], b: { c: 1 } }, [
    { op: 'add', path: '/a/-', value: 3 },
    { op: 'remove', path: '/b/c' },
    { op: 'copy', from: '/a/0', path: '/b/d' },
    { op: 'test', path: '/b/d', value: 1 },
  ]);
  assert.deepEqual(out, { a: [1, 2, 3], b: { d: 1 } });
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]));
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/zz' }]));
});

test('a JSON patch cannot move a value into its own child (the document would become circular)', () => {
  const doc = { metadata: { name: 'a', labels: { x: 'y' } } };
  assert.throws(() => jsonPatch(doc, [{ op: 'move', from: '', path: '/labels' }]), /cannot move/);
  assert.throws(() => jsonPatch(doc, [{ op: 'move', from: '/metadata', path: '/metadata/labels/m' }]), /cannot move/);
  assert.throws(() => jsonPatch(doc, [{ op: 'move', path: '/labels' }]), /needs "from"/);
  assert.deepEqual(jsonPatch(doc, [{ op: 'move', from: '/metadata/labels', path: '/labels' }]), {
    metadata: { name: 'a' },
    labels: { x: 'y' },
  });
});
