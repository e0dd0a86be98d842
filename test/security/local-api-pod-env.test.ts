/**
 * A pod of a local cluster cannot change how its process is started on the host. Environment variables that steer
 * Node, the loader, libc or the shell are refused at admission (422 naming the field) for Pods, Deployment
 * templates and IngressGateways, and again by the pod runner for a Pod that reaches the store another way (its
 * container waits with CreateContainerConfigError, no process starts). `command`, `args`, `workingDir` and
 * volumes are inert: the pod runs its image's entry in its own directory. The `--require` file of a hostile
 * NODE_OPTIONS would write a marker; it never exists, and the counting app never starts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countingPod, settle, startSecurityCluster, type SecurityCluster } from './local-api-support.js';

let c: SecurityCluster;
let marker: string;
let hook: string;
const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const POD_REF = { group: '', plural: 'pods' };

before(async () => {
  c = await startSecurityCluster(2);
  marker = join(c.dir, 'pwned');
  hook = join(c.dir, 'x.js');
  writeFileSync(hook, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid));\n`);
});
after(() => c.stop());

/** A hostile create: 422 naming `field`, code MB0501, nothing stored, no process, no marker. */
async function refusedCreate(path: string, body: unknown, field: string): Promise<void> {
  const version = c.cluster.store.currentVersion();
  const res = await c.call('POST', path, body);
  assert.equal(res.status, 422, res.text);
  assert.equal(res.body.reason, 'Invalid');
  const causes = (res.body.details as { causes: { field: string; message: string }[] }).causes;
  assert.ok(
    causes.some((x) => x.field === field && x.message.includes('MB0501')),
    `no MB0501 cause at ${field}: ${res.text}`,
  );
  await settle(500);
  assert.equal(c.cluster.store.currentVersion(), version);
  assert.equal(existsSync(marker), false);
  assert.deepEqual(c.starts(), []);
  assert.equal(c.bytesReceived(), 0);
}

test('a Pod with NODE_OPTIONS=--require <file> is refused with 422 at spec.containers[0].env[0].name', async () => {
  await refusedCreate(
    PODS,
    countingPod('node-options', { env: [{ name: 'NODE_OPTIONS', value: `--require ${hook}` }] }),
    'spec.containers[0].env[0].name',
  );
});

test('a Pod with LD_PRELOAD is refused with 422', async () => {
  await refusedCreate(
    PODS,
    countingPod('ld-preload', {
      env: [
        { name: 'OK', value: '1' },
        { name: 'LD_PRELOAD', value: hook },
      ],
    }),
    'spec.containers[0].env[1].name',
  );
});

test('lower-case node_options and other NODE_* loaders (NODE_PATH, NODE_EXTRA_CA_CERTS) are refused', async () => {
  await refusedCreate(
    PODS,
    countingPod('node-star', { env: [{ name: 'node_options', value: `-r ${hook}` }] }),
    'spec.containers[0].env[0].name',
  );
  await refusedCreate(
    PODS,
    countingPod('node-path', { env: [{ name: 'NODE_EXTRA_CA_CERTS', value: '/tmp/ca.pem' }] }),
    'spec.containers[0].env[0].name',
  );
});

test('PATH and BASH_ENV (which `meshbridge exec` would use on the host) are refused', async () => {
  await refusedCreate(
    PODS,
    countingPod('path', { env: [{ name: 'PATH', value: c.dir }] }),
    'spec.containers[0].env[0].name',
  );
  await refusedCreate(
    PODS,
    countingPod('bash-env', { env: [{ name: 'BASH_ENV', value: hook }] }),
    'spec.containers[0].env[0].name',
  );
});

test('an init container with NODE_OPTIONS is refused at spec.initContainers[0].env[0].name', async () => {
  await refusedCreate(
    PODS,
    countingPod(
      'init',
      {},
      {
        initContainers: [{ name: 'i', image: 'counting/app:1', env: [{ name: 'NODE_OPTIONS', value: `-r ${hook}` }] }],
      },
    ),
    'spec.initContainers[0].env[0].name',
  );
});

test('an env value holding a NUL character is refused', async () => {
  await refusedCreate(
    PODS,
    countingPod('nul', { env: [{ name: 'GREETING', value: 'a\u0000b' }] }),
    'spec.containers[0].env[0].value',
  );
});

test('a Deployment template with NODE_OPTIONS is refused at spec.template.spec.containers[0].env[0].name', async () => {
  const pod = countingPod('dep', { env: [{ name: 'NODE_OPTIONS', value: `--require ${hook}` }] });
  await refusedCreate(
    DEPLOYS,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'dep', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'dep' } },
        template: { metadata: pod.metadata, spec: pod.spec },
      },
    },
    'spec.template.spec.containers[0].env[0].name',
  );
});

test('an IngressGateway whose deployment env sets NODE_OPTIONS is refused', async () => {
  await refusedCreate(
    '/apis/install.tetrate.io/v1alpha1/namespaces/default/ingressgateways',
    {
      apiVersion: 'install.tetrate.io/v1alpha1',
      kind: 'IngressGateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { eastWestOnly: true, kubeSpec: { deployment: { env: [{ name: 'NODE_OPTIONS', value: `-r ${hook}` }] } } },
    },
    'spec.kubeSpec.deployment.env[0].name',
  );
});

test('a strategic patch adding NODE_OPTIONS to a running Deployment is refused and the Deployment is unchanged', async () => {
  const pod = countingPod('good-dep');
  const created = await c.call('POST', DEPLOYS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'good-dep', namespace: 'default' },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'good-dep' } },
      template: { metadata: pod.metadata, spec: pod.spec },
    },
  });
  assert.equal(created.status, 201, created.text);
  // The controller writes status meanwhile; what the patch could change is the spec and its generation.
  const specOf = () => {
    const d = c.cluster.store.get({ group: 'apps', plural: 'deployments' }, 'default', 'good-dep');
    return JSON.stringify([d?.spec, d?.metadata.generation]);
  };
  const before = specOf();
  const res = await c.call(
    'PATCH',
    `${DEPLOYS}/good-dep`,
    {
      spec: {
        template: { spec: { containers: [{ name: 'app', env: [{ name: 'NODE_OPTIONS', value: `-r ${hook}` }] }] } },
      },
    },
    'application/strategic-merge-patch+json',
  );
  assert.equal(res.status, 422, res.text);
  assert.match(res.text, /spec\.template\.spec\.containers\[0\]\.env\[0\]\.name/);
  assert.equal(specOf(), before);
  await settle(500);
  assert.equal(existsSync(marker), false);
  assert.deepEqual(c.starts(), []);
  assert.equal((await c.call('DELETE', `${DEPLOYS}/good-dep`, {})).status, 200);
});

test('a Pod written to the store past admission with NODE_OPTIONS starts no process; its status says why', async () => {
  const pod = countingPod('bypass', { env: [{ name: 'NODE_OPTIONS', value: `--require ${hook}` }] });
  c.cluster.store.create(POD_REF, pod);
  const deadline = Date.now() + 10_000;
  let waiting: { reason?: string; message?: string } | undefined;
  while (Date.now() < deadline) {
    const stored = c.cluster.store.get(POD_REF, 'default', 'bypass') as {
      status?: { containerStatuses?: { state?: { waiting?: { reason: string; message: string } } }[] };
    };
    waiting = stored.status?.containerStatuses?.[0]?.state?.waiting;
    if (waiting?.reason === 'CreateContainerConfigError') break;
    await settle(100);
  }
  assert.equal(waiting?.reason, 'CreateContainerConfigError');
  assert.match(waiting?.message ?? '', /MB0501.*NODE_OPTIONS/);
  await settle(1000);
  assert.equal(existsSync(marker), false);
  assert.deepEqual(c.starts(), []);
  c.cluster.store.delete(POD_REF, 'default', 'bypass');
});

test('command, args, workingDir and a hostPath volume are inert: the image entry runs, the command never does', async () => {
  const touched = join(c.dir, 'command-ran');
  const res = await c.call(
    'POST',
    PODS,
    countingPod(
      'inert',
      {
        command: ['/bin/sh', '-c', `touch ${touched}`],
        args: ['--require', hook],
        workingDir: '/',
        volumeMounts: [{ name: 'root', mountPath: '/host' }],
        env: [
          { name: 'NODE_ENV', value: 'production' },
          { name: 'LOG_LEVEL', value: 'debug' },
        ],
      },
      { volumes: [{ name: 'root', hostPath: { path: '/' } }] },
    ),
  );
  assert.equal(res.status, 201, res.text);
  const deadline = Date.now() + 15_000;
  while (!c.starts().includes('inert') && Date.now() < deadline) await settle(100);
  assert.deepEqual(c.starts(), ['inert']);
  await settle(500);
  assert.equal(existsSync(touched), false);
  assert.equal(existsSync(marker), false);
  assert.equal((await c.call('DELETE', `${PODS}/inert`, {})).status, 200);
});
