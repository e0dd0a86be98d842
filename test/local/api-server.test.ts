import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, dig, type TestApi } from './api-support.js';

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

const svc = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { app: name } },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080 }] },
  ...extra,
});
const deploy = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: 'app', image: 'x', ports: [{ containerPort: 9080 }], env: [{ name: 'A', value: '1' }] }],
      },
    },
  },
});

test('discovery lists the served groups, short names and the deployment scale subresource', async () => {
  const core = await api.call('GET', '/api/v1');
  const resources = dig(core.body, 'resources') as { name: string; shortNames?: string[] }[];
  assert.deepEqual(resources.find((r) => r.name === 'services')?.shortNames, ['svc']);
  const istio = await api.call('GET', '/apis/networking.istio.io/v1beta1');
  const we = (dig(istio.body, 'resources') as { name: string; shortNames?: string[] }[]).find(
    (r) => r.name === 'workloadentries',
  );
  assert.deepEqual(we?.shortNames, ['we']);
  const apps = await api.call('GET', '/apis/apps/v1');
  const scale = (dig(apps.body, 'resources') as { name: string; group?: string; kind: string }[]).find(
    (r) => r.name === 'deployments/scale',
  );
  assert.equal(scale?.kind, 'Scale');
  const groups = await api.call('GET', '/apis');
  const names = (dig(groups.body, 'groups') as { name: string }[]).map((g) => g.name);
  assert.ok(names.includes('networking.istio.io') && names.includes('install.tetrate.io') && names.includes('apps'));
  assert.equal((await api.call('GET', '/apis/networking.istio.io')).status, 200);
  assert.equal((await api.call('GET', '/version')).status, 200);
});

test('create, get and list objects; list carries the store resourceVersion', async () => {
  const created = await api.call('POST', '/api/v1/namespaces/bookinfo/services', svc('details'));
  assert.equal(created.status, 201);
  assert.equal(dig(created.body, 'metadata.namespace'), 'bookinfo');
  assert.ok(dig(created.body, 'metadata.uid'));
  const got = await api.call('GET', '/api/v1/namespaces/bookinfo/services/details');
  assert.equal(dig(got.body, 'metadata.resourceVersion'), dig(created.body, 'metadata.resourceVersion'));
  const list = await api.call('GET', '/api/v1/namespaces/bookinfo/services');
  assert.equal(dig(list.body, 'kind'), 'ServiceList');
  assert.equal(dig(list.body, 'metadata.resourceVersion'), String(api.store.currentVersion()));
  const again = await api.call('POST', '/api/v1/namespaces/bookinfo/services', svc('details'));
  assert.equal(again.status, 409);
  assert.equal(dig(again.body, 'reason'), 'AlreadyExists');
});

test('an invalid object is 422 Invalid listing every invalid field, and nothing is stored', async () => {
  const before = api.store.currentVersion();
  const bad = { ...svc('x'), metadata: { name: 'Not_A_Name', labels: { a: 5 } } };
  const res = await api.call('POST', '/api/v1/namespaces/bookinfo/services', bad);
  assert.equal(res.status, 422);
  assert.equal(dig(res.body, 'reason'), 'Invalid');
  const fields = (dig(res.body, 'details.causes') as { field: string }[]).map((c) => c.field).sort();
  assert.deepEqual(fields, ['metadata.labels.a', 'metadata.name']);
  assert.equal(api.store.currentVersion(), before);
  assert.equal(api.store.list({ group: '', plural: 'services' }, 'bookinfo').length, 1);
});

test('an unknown kind is 404 and a malformed body is 400; neither writes', async () => {
  const before = api.store.currentVersion();
  const unknown = await api.call('POST', '/apis/example.com/v1/namespaces/bookinfo/widgets', { kind: 'Widget' });
  assert.equal(unknown.status, 404);
  assert.equal(dig(unknown.body, 'kind'), 'Status');
  const unknownPlural = await api.call('GET', '/api/v1/namespaces/bookinfo/widgets');
  assert.equal(unknownPlural.status, 404);
  const malformed = await api.call('POST', '/api/v1/namespaces/bookinfo/services', '{"kind": ');
  assert.equal(malformed.status, 400);
  const wrongKind = await api.call('POST', '/api/v1/namespaces/bookinfo/services', { ...svc('y'), kind: 'Pod' });
  assert.equal(wrongKind.status, 400);
  const missingNs = await api.call('POST', '/api/v1/namespaces/nowhere/services', svc('z'));
  assert.equal(missingNs.status, 404);
  assert.equal(api.store.currentVersion(), before);
});

test('an update with a stale resourceVersion is 409 Conflict and leaves the object as it was', async () => {
  const first = await api.call('GET', '/api/v1/namespaces/bookinfo/services/details');
  const updated = await api.call('PUT', '/api/v1/namespaces/bookinfo/services/details', {
    ...first.body,
    metadata: { ...(first.body.metadata as object), labels: { app: 'details', v: '2' } },
  });
  assert.equal(updated.status, 200);
  const stale = await api.call('PUT', '/api/v1/namespaces/bookinfo/services/details', {
    ...first.body,
    metadata: { ...(first.body.metadata as object), labels: { app: 'details', v: 'stale' } },
  });
  assert.equal(stale.status, 409);
  assert.equal(dig(stale.body, 'reason'), 'Conflict');
  const now = await api.call('GET', '/api/v1/namespaces/bookinfo/services/details');
  assert.equal(dig(now.body, 'metadata.labels.v'), '2');
  assert.equal(dig(now.body, 'metadata.resourceVersion'), dig(updated.body, 'metadata.resourceVersion'));
});

test('merge, strategic-merge and JSON patches change only what they name', async () => {
  await api.call('POST', '/apis/apps/v1/namespaces/bookinfo/deployments', deploy('web'));
  const path = '/apis/apps/v1/namespaces/bookinfo/deployments/web';
  const merge = await api.call(
    'PATCH',
    path,
    { metadata: { labels: { tier: 'front' } } },
    { 'content-type': 'application/merge-patch+json' },
  );
  assert.equal(merge.status, 200);
  assert.equal(dig(merge.body, 'metadata.labels.tier'), 'front');
  const smp = await api.call(
    'PATCH',
    path,
    { spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '2' }] }] } } } },
    { 'content-type': 'application/strategic-merge-patch+json' },
  );
  const container = dig(smp.body, 'spec.template.spec.containers.0') as { image: string; env: { name: string }[] };
  assert.equal(container.image, 'x', 'the container merged by name keeps its image');
  assert.deepEqual(
    container.env.map((e) => e.name),
    ['A', 'B'],
    'env merged by name',
  );
  assert.equal(dig(smp.body, 'metadata.generation'), 2, 'a spec change is a new generation');
  const json = await api.call('PATCH', path, [{ op: 'replace', path: '/spec/replicas', value: 3 }], {
    'content-type': 'application/json-patch+json',
  });
  assert.equal(dig(json.body, 'spec.replicas'), 3);
  const badType = await api.call('PATCH', path, {}, { 'content-type': 'text/plain' });
  assert.equal(badType.status, 415);
});

test('server-side apply creates a missing object and merges into an existing one', async () => {
  const path = '/api/v1/namespaces/bookinfo/services/ssa?fieldManager=test';
  const yaml = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ssa\nspec:\n  ports:\n  - port: 80\n';
  const created = await api.call('PATCH', path, yaml, { 'content-type': 'application/apply-patch+yaml' });
  assert.equal(created.status, 201);
  const merged = await api.call(
    'PATCH',
    path,
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: ssa\n  labels: {a: b}\n',
    {
      'content-type': 'application/apply-patch+yaml',
    },
  );
  assert.equal(merged.status, 200);
  assert.equal(dig(merged.body, 'metadata.labels.a'), 'b');
  assert.equal(dig(merged.body, 'spec.ports.0.port'), 80);
});

test('the scale subresource reads and writes spec.replicas', async () => {
  const path = '/apis/apps/v1/namespaces/bookinfo/deployments/web/scale';
  const scale = await api.call('GET', path);
  assert.equal(dig(scale.body, 'kind'), 'Scale');
  assert.equal(dig(scale.body, 'status.selector'), 'app=web');
  const patched = await api.call(
    'PATCH',
    path,
    { spec: { replicas: 0 } },
    { 'content-type': 'application/merge-patch+json' },
  );
  assert.equal(dig(patched.body, 'spec.replicas'), 0);
  const d = await api.call('GET', '/apis/apps/v1/namespaces/bookinfo/deployments/web');
  assert.equal(dig(d.body, 'spec.replicas'), 0);
  const negative = await api.call(
    'PATCH',
    path,
    { spec: { replicas: -1 } },
    { 'content-type': 'application/merge-patch+json' },
  );
  assert.equal(negative.status, 422);
});

test('label and field selectors filter lists', async () => {
  await api.call('POST', '/api/v1/namespaces/bookinfo/services', svc('ratings'));
  const byLabel = await api.call('GET', '/api/v1/namespaces/bookinfo/services?labelSelector=app%20in%20(ratings,zzz)');
  assert.deepEqual(
    (dig(byLabel.body, 'items') as { metadata: { name: string } }[]).map((i) => i.metadata.name),
    ['ratings'],
  );
  const byField = await api.call('GET', '/api/v1/services?fieldSelector=metadata.name%3Ddetails');
  assert.deepEqual(
    (dig(byField.body, 'items') as { metadata: { name: string } }[]).map((i) => i.metadata.name),
    ['details'],
  );
  const bad = await api.call('GET', '/api/v1/services?labelSelector=%3D%3D%3D');
  assert.equal(bad.status, 400);
});

test('kubectl Table output for WorkloadEntries has NAME, AGE and ADDRESS columns', async () => {
  const we = {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'WorkloadEntry',
    metadata: { name: 'k-details-1' },
    spec: { address: '127.2.200.1', ports: { http: 15443 } },
  };
  const created = await api.call('POST', '/apis/networking.istio.io/v1beta1/namespaces/bookinfo/workloadentries', we);
  assert.equal(created.status, 201);
  assert.equal(dig(created.body, 'apiVersion'), 'networking.istio.io/v1beta1', 'served at the requested version');
  const table = await api.call('GET', '/apis/networking.istio.io/v1/namespaces/bookinfo/workloadentries', undefined, {
    accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
  });
  assert.equal(dig(table.body, 'kind'), 'Table');
  assert.deepEqual(
    (dig(table.body, 'columnDefinitions') as { name: string }[]).map((c) => c.name),
    ['Name', 'Age', 'Address'],
  );
  const cells = dig(table.body, 'rows.0.cells') as string[];
  assert.equal(cells[0], 'k-details-1');
  assert.match(cells[1] ?? '', /^\d+s$/);
  assert.equal(cells[2], '127.2.200.1');
});

test('deleting a namespace deletes the objects inside it', async () => {
  await api.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
  await api.call('POST', '/api/v1/namespaces/doomed/services', svc('a'));
  await api.call('POST', '/apis/apps/v1/namespaces/doomed/deployments', deploy('b'));
  const del = await api.call('DELETE', '/api/v1/namespaces/doomed');
  assert.equal(del.status, 200);
  assert.equal(api.store.list({ group: '', plural: 'services' }, 'doomed').length, 0);
  assert.equal(api.store.list({ group: 'apps', plural: 'deployments' }, 'doomed').length, 0);
  assert.equal((await api.call('GET', '/api/v1/namespaces/doomed')).status, 404);
  assert.equal((await api.call('DELETE', '/api/v1/namespaces/doomed')).status, 404);
});

test('dry-run requests validate and answer without writing', async () => {
  const before = api.store.currentVersion();
  const res = await api.call('POST', '/api/v1/namespaces/bookinfo/services?dryRun=All', svc('dry'));
  assert.equal(res.status, 201);
  assert.equal(api.store.currentVersion(), before);
  assert.equal((await api.call('GET', '/api/v1/namespaces/bookinfo/services/dry')).status, 404);
});

test('validation warnings come back as Warning headers and the object is stored', async () => {
  const res = await fetch(`${api.url}/api/v1/namespaces/bookinfo/services`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ ...svc('warned'), metadata: { name: 'warned', annotations: { owner: '${ORG}' } } }),
  });
  assert.equal(res.status, 201);
  assert.match(res.headers.get('warning') ?? '', /^299 - ".*ORG/);
  assert.ok(api.store.get({ group: '', plural: 'services' }, 'bookinfo', 'warned'));
});
