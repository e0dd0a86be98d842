/**
 * The configuration and access kinds of a local cluster's API, with the real kubectl (v1.32) and
 * @kubernetes/client-node against an embedded API server: ConfigMaps and Secrets (data limits, `stringData`,
 * `immutable`), the RBAC kinds (stored, listed, `roleRef` fixed), CustomResourceDefinitions (stored, established),
 * and the output of `meshbridge install remote` applied as it is.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { rows, run, startKubectlApi, type KubectlApi } from './kubectl-api-support.js';

let api: KubectlApi;
let dir: string;
let client: KubectlApi['client'];
const kubectl: KubectlApi['kubectl'] = (args, opts) => api.kubectl(args, opts);
const json = <T>(args: readonly string[]): Promise<T> => api.json<T>(args);

before(async () => {
  api = await startKubectlApi();
  ({ dir, client } = api);
  await kubectl(['create', 'namespace', 'apps']);
});
after(() => api.stop());

test('kubectl create configmap stores the literals; get lists DATA; client-node reads the same', async () => {
  await kubectl([
    'create',
    'configmap',
    'settings',
    '-n',
    'apps',
    '--from-literal=mode=fast',
    '--from-literal=level=3',
  ]);
  assert.deepEqual(rows((await kubectl(['get', 'cm', '-n', 'apps'])).stdout)[0]?.slice(0, 2), ['settings', '2']);
  const cm = await json<{ data: Record<string, string> }>(['get', 'configmap', 'settings', '-n', 'apps']);
  assert.deepEqual(cm.data, { level: '3', mode: 'fast' });
  const read = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' });
  assert.deepEqual((read as unknown as { data: unknown }).data, { level: '3', mode: 'fast' });
});

test('a ConfigMap over 1 MiB of data is refused with the field named, and nothing is stored', async () => {
  const file = join(dir, 'big.txt');
  writeFileSync(file, 'x'.repeat(1024 * 1024 + 10));
  const r = await kubectl(['create', 'configmap', 'big', '-n', 'apps', `--from-file=${file}`], { allowFail: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /ConfigMap(\.core)? "big" is invalid: data: the data of one object is at most 1048576 bytes/);
  assert.match((await kubectl(['get', 'cm', 'big', '-n', 'apps'], { allowFail: true })).stderr, /NotFound|not found/);
});

test('kubectl create secret stores base64 data; stringData is folded into data; TYPE and DATA are listed', async () => {
  await kubectl(['create', 'secret', 'generic', 'db', '-n', 'apps', '--from-literal=url=postgres://db:5432/mb']);
  const s = await json<{ type: string; data: Record<string, string> }>(['get', 'secret', 'db', '-n', 'apps']);
  assert.equal(s.type, 'Opaque');
  assert.equal(Buffer.from(s.data.url ?? '', 'base64').toString(), 'postgres://db:5432/mb');
  await kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'tls', namespace: 'apps' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': 'CERT', 'tls.key': 'KEY' },
    }),
  });
  const tls = await json<{ data: Record<string, string>; stringData?: unknown }>([
    'get',
    'secret',
    'tls',
    '-n',
    'apps',
  ]);
  assert.equal(tls.stringData, undefined);
  assert.deepEqual(tls.data, { 'tls.crt': 'Q0VSVA==', 'tls.key': 'S0VZ' });
  const listed = rows((await kubectl(['get', 'secrets', '-n', 'apps'])).stdout).map((r) => r.slice(0, 3));
  assert.deepEqual(listed, [
    ['db', 'Opaque', '1'],
    ['tls', 'kubernetes.io/tls', '2'],
  ]);
});

test('an immutable Secret keeps its data: a change is refused with the field named', async () => {
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'fixed', namespace: 'apps' },
    immutable: true,
    data: { a: 'MQ==' },
  };
  await kubectl(['apply', '-f', '-'], { input: JSON.stringify(secret) });
  const r = await kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({ ...secret, data: { a: 'Mg==' } }),
    allowFail: true,
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /data: field is immutable when `immutable` is set/);
  assert.deepEqual((await json<{ data: unknown }>(['get', 'secret', 'fixed', '-n', 'apps'])).data, { a: 'MQ==' });
});

test('Roles, ClusterRoles and their bindings are stored and listed; a binding keeps its roleRef', async () => {
  const docs = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'lease-holder', namespace: 'apps' },
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'lease-holder', namespace: 'apps' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'lease-holder' },
      subjects: [{ kind: 'ServiceAccount', name: 'controller', namespace: 'apps' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    },
  ];
  const out = (await kubectl(['apply', '-f', '-'], { input: docs.map((d) => JSON.stringify(d)).join('\n') })).stdout;
  assert.match(out, /role.rbac.authorization.k8s.io\/lease-holder created/);
  assert.match(out, /rolebinding.rbac.authorization.k8s.io\/lease-holder created/);
  assert.match(out, /clusterrole.rbac.authorization.k8s.io\/system:reader created/);
  assert.deepEqual(rows((await kubectl(['get', 'rolebindings', '-n', 'apps'])).stdout)[0]?.slice(0, 2), [
    'lease-holder',
    'Role/lease-holder',
  ]);
  const roles = await client.list('ClusterRole');
  assert.ok(roles.some((r) => r.metadata?.name === 'system:reader'));
  const moved = { ...docs[1], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' } };
  const r = await kubectl(['apply', '-f', '-'], { input: JSON.stringify(moved), allowFail: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /roleRef: cannot change roleRef/);
});

test('a CustomResourceDefinition is stored, listed and established; a malformed one is refused with its path', async () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } },
        },
      ],
    },
  };
  assert.match(
    (await kubectl(['apply', '-f', '-'], { input: JSON.stringify(crd) })).stdout,
    /customresourcedefinition.apiextensions.k8s.io\/widgets.example.com created/,
  );
  assert.equal(rows((await kubectl(['get', 'crds'])).stdout)[0]?.[0], 'widgets.example.com');
  await kubectl(['wait', '--for=condition=established', '--timeout=10s', 'crd/widgets.example.com']);
  const bad = { ...crd, metadata: { name: 'gadgets.example.com' } };
  const r = await kubectl(['apply', '-f', '-'], { input: JSON.stringify(bad), allowFail: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /metadata.name: must be spec.names.plural \+ "." \+ spec.group: widgets.example.com/);
});

test('the output of meshbridge install remote applies cleanly, and applying it again changes nothing', async () => {
  const install = await run(process.execPath, [
    '--import',
    'tsx',
    join(REPO_ROOT, 'src', 'cli', 'main.ts'),
    'install',
    'remote',
    '--cluster',
    'cluster-1',
  ]);
  assert.equal(install.status, 0, install.stderr);
  const first = await kubectl(['apply', '-f', '-'], { input: install.stdout });
  const created = first.stdout.trim().split('\n');
  assert.deepEqual(created, [
    'customresourcedefinition.apiextensions.k8s.io/ingressgateways.install.tetrate.io created',
    'namespace/meshbridge created',
    'serviceaccount/meshbridge-federation created',
    'clusterrole.rbac.authorization.k8s.io/meshbridge-federation created',
    'clusterrolebinding.rbac.authorization.k8s.io/meshbridge-federation created',
    'secret/meshbridge-federation-token created',
  ]);
  assert.equal(first.stderr, '', 'no warnings');
  const again = await kubectl(['apply', '-f', '-'], { input: install.stdout });
  assert.deepEqual(
    again.stdout.trim().split('\n'),
    created.map((l) => l.replace(/ created$/, ' unchanged')),
  );
  const binding = await json<{ roleRef: { name: string }; subjects: { name: string }[] }>([
    'get',
    'clusterrolebinding',
    'meshbridge-federation',
  ]);
  assert.equal(binding.roleRef.name, 'meshbridge-federation');
  assert.deepEqual(
    binding.subjects.map((s) => s.name),
    ['meshbridge-federation'],
  );
});
