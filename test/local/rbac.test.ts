/**
 * ServiceAccount tokens and RBAC on a local cluster's API, end to end: an embedded API server over HTTPS with the
 * token controller running, `meshbridge install remote` applied as it is with the admin token, and the federation
 * ServiceAccount's token read from the Secret the controller filled. Then client-node, raw HTTPS and the real
 * kubectl (`--token`, `auth can-i`) act as that ServiceAccount: what the ClusterRole grants works, everything else is
 * 403 with kube-apiserver's message, and forged, revoked or foreign tokens are 401.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createRootCA } from '../../src/identity/index.js';
import { startControllers, type Controllers } from '../../src/local/controllers/manager.js';
import { startApiServer, type ApiServer } from '../../src/local/server/api-server.js';
import { newApiToken } from '../../src/local/server/guard.js';
import {
  createServiceAccountTokens,
  loadOrCreateSigningKey,
  newSigningKey,
  type ServiceAccountTokens,
} from '../../src/local/server/service-account-tokens.js';
import { issueServingCertificate } from '../../src/local/server/tls.js';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import { REPO_ROOT } from '../support/paths.js';
import { KUBECTL, run, type RunResult } from './kubectl-api-support.js';

const FED_USER = 'system:serviceaccount:meshbridge:meshbridge-federation';

let dir: string;
let store: ClusterStore;
let server: ApiServer;
let controllers: Controllers;
let tokens: ServiceAccountTokens;
let caPem: string;
let kubeconfig: string;
let fedToken: string;

/** kubectl against the test API, as admin unless `--token` is among the arguments. */
async function kubectl(
  args: readonly string[],
  opts: { input?: string; allowFail?: boolean } = {},
): Promise<RunResult> {
  const r = await run(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'c1', ...args], opts.input);
  if (!opts.allowFail) assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** The parts of a Status body the tests read. */
interface StatusBody {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: unknown;
}

/** What client-node's ApiException carries: the HTTP code and the body (a JSON string). */
const codeOf = (err: unknown): number | undefined => (err as { code?: number }).code;
const statusOf = (err: unknown): StatusBody => {
  const body = (err as { body?: unknown }).body;
  return (typeof body === 'string' ? JSON.parse(body) : body) as StatusBody;
};

/** One HTTPS request with a bearer token; the body parsed as JSON when it is. */
function call(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: StatusBody }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method,
        ca: caPem,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as StatusBody });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A client-node CoreV1Api authenticated with `token`. */
function coreApi(token: string): k8s.CoreV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c1', server: server.url, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'sa', token }],
    contexts: [{ name: 'c1', cluster: 'c1', user: 'sa' }],
    currentContext: 'c1',
  });
  return kc.makeApiClient(k8s.CoreV1Api);
}

/** The token the controller wrote into a Secret, once it is there. */
async function tokenFromSecret(namespace: string, name: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const r = await kubectl(['get', 'secret', name, '-n', namespace, '-o', 'jsonpath={.data.token}'], {
      allowFail: true,
    });
    if (r.status === 0 && r.stdout !== '') return Buffer.from(r.stdout, 'base64').toString('utf8');
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`secret ${namespace}/${name} was never filled`);
}

const tokenSecret = (namespace: string, name: string, sa: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name, namespace, annotations: { 'kubernetes.io/service-account.name': sa } },
  });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mb-rbac-'));
  const ca = await createRootCA({ commonName: 'rbac test API CA' });
  caPem = ca.certPem;
  store = new ClusterStore({ file: join(dir, 'store.db') });
  tokens = createServiceAccountTokens({
    key: loadOrCreateSigningKey(join(dir, 'service-account-key')),
    serviceAccounts: store,
  });
  const token = newApiToken();
  server = await startApiServer({
    store,
    token,
    serviceAccountTokens: tokens,
    tls: await issueServingCertificate(ca, '127.0.0.1'),
  });
  controllers = startControllers({
    store,
    info: { name: 'c1', index: 1, block: 201, region: 'r', zone: 'z', network: 'n', trustDomain: 'c1.local' },
    tokenSecrets: { tokens, caPem },
    resyncMs: 200,
  });
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'c1',
          cluster: { server: server.url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
        },
      ],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'c1', context: { cluster: 'c1', user: 'admin' } }],
      'current-context': 'c1',
    }),
    { mode: 0o600 },
  );
  const install = await run(process.execPath, [
    '--import',
    'tsx',
    join(REPO_ROOT, 'src', 'cli', 'main.ts'),
    'install',
    'remote',
    '--cluster',
    'c1',
  ]);
  assert.equal(install.status, 0, install.stderr);
  await kubectl(['apply', '-f', '-'], { input: install.stdout });
  fedToken = await tokenFromSecret('meshbridge', 'meshbridge-federation-token');
  for (const ns of ['default', 'apps-a', 'apps-b']) await kubectl(['create', 'namespace', ns]);
  await kubectl(['create', 'secret', 'generic', 'db', '-n', 'default', '--from-literal=password=canary']);
});

after(async () => {
  controllers.stop();
  await server.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the controller fills the token Secret with the token, the namespace, the API CA and the uid', async () => {
  const s = JSON.parse(
    (await kubectl(['get', 'secret', 'meshbridge-federation-token', '-n', 'meshbridge', '-o', 'json'])).stdout,
  );
  const sa = JSON.parse(
    (await kubectl(['get', 'sa', 'meshbridge-federation', '-n', 'meshbridge', '-o', 'json'])).stdout,
  );
  assert.equal(Buffer.from(s.data.namespace, 'base64').toString(), 'meshbridge');
  assert.equal(Buffer.from(s.data['ca.crt'], 'base64').toString(), caPem);
  assert.equal(s.metadata.annotations['kubernetes.io/service-account.uid'], sa.metadata.uid);
  assert.equal(tokens.authenticate(fedToken)?.user, FED_USER);
});

test('client-node with the federation token lists pods and services: the ClusterRole grants them', async () => {
  const api = coreApi(fedToken);
  assert.ok(Array.isArray((await api.listPodForAllNamespaces()).items));
  assert.ok(Array.isArray((await api.listNamespacedService({ namespace: 'default' })).items));
});

test("client-node with the federation token gets 403 reading a Secret, with kube-apiserver's message", async () => {
  await assert.rejects(coreApi(fedToken).readNamespacedSecret({ name: 'db', namespace: 'default' }), (err: unknown) => {
    assert.equal(codeOf(err), 403);
    const status = statusOf(err);
    assert.equal(status.reason, 'Forbidden');
    assert.equal(
      status.message,
      `secrets "db" is forbidden: User "${FED_USER}" cannot get resource "secrets" in API group "" in the namespace "default"`,
    );
    assert.deepEqual(status.details, { name: 'db', group: '', kind: 'secrets' });
    assert.doesNotMatch(JSON.stringify(status), /canary/);
    return true;
  });
  const list = await call('GET', '/api/v1/namespaces/default/secrets', fedToken);
  assert.equal(list.status, 403);
  assert.equal(
    list.body.message,
    `secrets is forbidden: User "${FED_USER}" cannot list resource "secrets" in API group "" in the namespace "default"`,
  );
});

test('watches, custom resources and writes are checked too', async () => {
  assert.equal((await call('GET', '/api/v1/pods?watch=1&timeoutSeconds=1', fedToken)).status, 200);
  const watch = await call('GET', '/api/v1/secrets?watch=1', fedToken);
  assert.equal(watch.status, 403);
  assert.match(watch.body.message ?? '', /cannot watch resource "secrets" in API group "" at the cluster scope/);
  assert.equal((await call('GET', '/apis/install.tetrate.io/v1alpha1/ingressgateways', fedToken)).status, 200);
  const gw = await call('POST', '/apis/install.tetrate.io/v1alpha1/namespaces/default/ingressgateways', fedToken, {
    apiVersion: 'install.tetrate.io/v1alpha1',
    kind: 'IngressGateway',
    metadata: { name: 'g' },
  });
  assert.equal(gw.status, 403);
  assert.match(gw.body.message ?? '', /cannot create resource "ingressgateways" in API group "install.tetrate.io"/);
  const ns = await call('PUT', '/api/v1/namespaces/default', fedToken, { metadata: { name: 'default' } });
  assert.equal(ns.status, 403, 'resourceNames name only meshbridge-multicluster');
  // Discovery and /version are every authenticated user's.
  for (const path of ['/api', '/apis', '/version', '/api/v1', '/openapi/v3']) {
    assert.equal((await call('GET', path, fedToken)).status, 200, path);
  }
});

test('a token with one byte of its HMAC flipped is 401', async () => {
  const dot = fedToken.lastIndexOf('.');
  const mac = Buffer.from(fedToken.slice(dot + 1), 'base64url');
  mac[5] = (mac[5] ?? 0) ^ 0x80;
  const forged = `${fedToken.slice(0, dot + 1)}${mac.toString('base64url')}`;
  const r = await call('GET', '/api/v1/pods', forged);
  assert.equal(r.status, 401);
  await assert.rejects(coreApi(forged).listPodForAllNamespaces(), (err: unknown) => codeOf(err) === 401);
});

test("a token signed with another cluster's key is 401", async () => {
  const other = createServiceAccountTokens({ key: newSigningKey(), serviceAccounts: store });
  const foreign = other.issue('meshbridge', 'meshbridge-federation') ?? '';
  assert.notEqual(foreign, '');
  assert.equal((await call('GET', '/api/v1/pods', foreign)).status, 401);
});

test('deleting a ServiceAccount revokes its token, also when one of the same name is created again', async () => {
  await kubectl(['create', 'sa', 'bot', '-n', 'apps-a']);
  await kubectl(['apply', '-f', '-'], { input: tokenSecret('apps-a', 'bot-token', 'bot') });
  const old = await tokenFromSecret('apps-a', 'bot-token');
  assert.equal((await call('GET', '/version', old)).status, 200);
  await kubectl(['delete', 'sa', 'bot', '-n', 'apps-a']);
  assert.equal((await call('GET', '/version', old)).status, 401);
  await kubectl(['create', 'sa', 'bot', '-n', 'apps-a']);
  assert.equal((await call('GET', '/version', old)).status, 401);
  await assert.rejects(coreApi(old).listNamespacedPod({ namespace: 'apps-a' }), (err: unknown) => codeOf(err) === 401);
});

test('a RoleBinding in namespace A grants in A only, from the next request on', async () => {
  await kubectl(['create', 'sa', 'reader', '-n', 'apps-a']);
  await kubectl(['apply', '-f', '-'], { input: tokenSecret('apps-a', 'reader-token', 'reader') });
  const token = await tokenFromSecret('apps-a', 'reader-token');
  const api = coreApi(token);
  await assert.rejects(api.listNamespacedConfigMap({ namespace: 'apps-a' }), (err: unknown) => codeOf(err) === 403);
  // kubectl create clusterrole/rolebinding send protobuf, which this API reads for a few core kinds only: apply.
  for (const item of [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cm-reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'cm-reader', namespace: 'apps-a' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'apps-a' }],
    },
  ]) {
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(item) });
  }
  assert.ok(Array.isArray((await api.listNamespacedConfigMap({ namespace: 'apps-a' })).items));
  await assert.rejects(api.listNamespacedConfigMap({ namespace: 'apps-b' }), (err: unknown) => {
    assert.equal(codeOf(err), 403);
    assert.match(
      statusOf(err).message ?? '',
      /cannot list resource "configmaps" in API group "" in the namespace "apps-b"/,
    );
    return true;
  });
  await assert.rejects(api.listConfigMapForAllNamespaces(), (err: unknown) => codeOf(err) === 403);
});

test('real kubectl with --token: allowed get works, a forbidden one prints the Forbidden message', async () => {
  const pods = await kubectl(['--token', fedToken, 'get', 'pods', '-A']);
  assert.equal(pods.status, 0);
  const denied = await kubectl(['--token', fedToken, 'get', 'secrets', '-n', 'default'], { allowFail: true });
  assert.notEqual(denied.status, 0);
  assert.match(
    denied.stderr,
    /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:meshbridge:meshbridge-federation" cannot list resource "secrets" in API group "" in the namespace "default"/,
  );
});

test('kubectl auth can-i answers from the same RBAC decision', async () => {
  const canI = async (...args: string[]): Promise<string> =>
    (await kubectl(['--token', fedToken, 'auth', 'can-i', ...args], { allowFail: true })).stdout.trim();
  assert.equal(await canI('list', 'pods', '-A'), 'yes');
  assert.equal(await canI('create', 'workloadentries.networking.istio.io', '-n', 'bookinfo'), 'yes');
  assert.equal(await canI('get', 'secrets', '-n', 'default'), 'no');
  assert.equal(await canI('update', 'namespace/meshbridge-multicluster'), 'yes');
  assert.equal(await canI('update', 'namespace/default'), 'no');
  assert.equal(await canI('create', 'pods/exec', '-n', 'default'), 'no');
  assert.equal(await canI('get', '/version'), 'yes');
  assert.equal((await kubectl(['auth', 'can-i', 'delete', 'nodes'])).stdout.trim(), 'yes', 'the admin may do anything');
});

test('kubectl exec as the ServiceAccount is refused before any process is looked for (create on pods/exec)', async () => {
  store.create(
    { group: '', plural: 'pods' },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'sleep' }] },
    },
  );
  const r = await kubectl(['--token', fedToken, 'exec', 'p', '-n', 'default', '--', 'true'], { allowFail: true });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot create resource "pods\/exec" in API group "" in the namespace "default"/);
});
