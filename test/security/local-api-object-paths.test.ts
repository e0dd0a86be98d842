/**
 * Object paths on a local cluster's API (a real server on a real socket): every body and patch format refuses
 * `__proto__`, `constructor` and `prototype` keys and JSON-patch path segments with 422 naming the path (MB0010),
 * the store is unchanged, the process's prototypes are untouched, and later requests are still served.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, dig, type TestApi } from '../local/api-support.js';

let api: TestApi;
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const svc = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { app: name } },
  spec: { ports: [{ port: 80 }] },
});
const SVC = '/api/v1/namespaces/bookinfo/services';

before(async () => {
  api = await startTestApi();
  assert.equal((await api.call('POST', SVC, svc('target'))).status, 201);
});
after(() => api.close());

/** Sends a hostile request and checks the refusal, the named path, and that nothing changed anywhere. */
async function refused(method: string, path: string, body: string, contentType: string, field: RegExp): Promise<void> {
  const version = api.store.currentVersion();
  const stored = JSON.stringify(api.store.get({ group: '', plural: 'services' }, 'bookinfo', 'target'));
  const res = await api.call(method, path, body, { 'content-type': contentType });
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.kind, 'Status');
  assert.equal(res.body.reason, 'Invalid');
  assert.match(String(dig(res.body, 'message')), /MB0010/);
  assert.match(String(dig(res.body, 'details.causes.0.field')), field);
  // Nothing reached the store or the process's prototypes.
  assert.equal(api.store.currentVersion(), version);
  assert.equal(JSON.stringify(api.store.get({ group: '', plural: 'services' }, 'bookinfo', 'target')), stored);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTO_KEYS);
  // Every later create and update is still served.
  const name = `after-${version}-${Math.random().toString(36).slice(2, 8)}`;
  assert.equal((await api.call('POST', SVC, svc(name))).status, 201);
  const patched = await api.call('PATCH', `${SVC}/${name}`, JSON.stringify({ metadata: { labels: { ok: 'yes' } } }), {
    'content-type': 'application/merge-patch+json',
  });
  assert.equal(patched.status, 200);
  assert.equal(dig(patched.body, 'metadata.labels.ok'), 'yes');
}

test('a JSON patch adding /metadata/__proto__/polluted is refused with 422 naming the path', async () => {
  await refused(
    'PATCH',
    `${SVC}/target`,
    '[{"op":"add","path":"/metadata/__proto__/polluted","value":1}]',
    'application/json-patch+json',
    /\[0\]\.path.*__proto__/,
  );
});

test('a JSON patch through constructor/prototype is refused', async () => {
  await refused(
    'PATCH',
    `${SVC}/target`,
    '[{"op":"add","path":"/metadata/labels/constructor/prototype/polluted","value":"1"}]',
    'application/json-patch+json',
    /\[0\]\.path.*constructor/,
  );
});

test('a JSON patch copying from /__proto__ is refused', async () => {
  await refused(
    'PATCH',
    `${SVC}/target`,
    '[{"op":"copy","from":"/metadata/__proto__","path":"/metadata/annotations"}]',
    'application/json-patch+json',
    /\[0\]\.from/,
  );
});

test('a JSON patch whose value carries a __proto__ key is refused', async () => {
  await refused(
    'PATCH',
    `${SVC}/target`,
    '[{"op":"add","path":"/metadata/annotations","value":{"__proto__":{"polluted":"1"}}}]',
    'application/json-patch+json',
    /^\[0\]\.value\.__proto__$/,
  );
});

test('a merge patch with metadata.__proto__ is refused', async () => {
  await refused(
    'PATCH',
    `${SVC}/target`,
    '{"metadata":{"__proto__":{"polluted":1}}}',
    'application/merge-patch+json',
    /^metadata\.__proto__$/,
  );
});

test('a strategic merge patch with constructor.prototype is refused', async () => {
  await refused(
    'PATCH',
    `${SVC}/target`,
    '{"metadata":{"labels":{"constructor":{"prototype":{"polluted":"1"}}}}}',
    'application/strategic-merge-patch+json',
    /^metadata\.labels\.constructor$/,
  );
});

test('a strategic merge patch inside a merged list item is refused', async () => {
  await refused(
    'PATCH',
    `${SVC}/target`,
    '{"spec":{"ports":[{"port":80,"prototype":{"polluted":1}}]}}',
    'application/strategic-merge-patch+json',
    /^spec\.ports\[0\]\.prototype$/,
  );
});

test('a server-side apply (YAML) with a __proto__ key is refused', async () => {
  await refused(
    'PATCH',
    `${SVC}/target?fieldManager=t`,
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: target\n  __proto__:\n    polluted: 1\n',
    'application/apply-patch+yaml',
    /^metadata\.__proto__$/,
  );
});

test('a JSON create body with a __proto__ key is refused', async () => {
  await refused(
    'POST',
    SVC,
    '{"apiVersion":"v1","kind":"Service","metadata":{"name":"evil","__proto__":{"polluted":1}},"spec":{"ports":[{"port":80}]}}',
    'application/json',
    /^metadata\.__proto__$/,
  );
});

test('a YAML create body with a constructor key is refused', async () => {
  await refused(
    'POST',
    SVC,
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: evil\nspec:\n  constructor:\n    prototype:\n      polluted: 1\n',
    'application/yaml',
    /^spec\.constructor$/,
  );
});

test('a PUT body with a prototype key is refused', async () => {
  await refused(
    'PUT',
    `${SVC}/target`,
    JSON.stringify({ ...svc('target'), metadata: { name: 'target', annotations: { prototype: 'x' } } }).replace(
      '"annotations":{"prototype":"x"}',
      '"annotations":{"prototype":{"polluted":1}}',
    ),
    'application/json',
    /^metadata\.annotations\.prototype$/,
  );
});

test('label selectors never match inherited members such as constructor', async () => {
  const res = await api.call('GET', `${SVC}?labelSelector=constructor`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.items, []);
});
