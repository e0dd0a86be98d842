/**
 * The built-in meshbridge image is the one image whose command line, `MESHBRIDGE_*` settings and volumes a local
 * cluster honours (to run the production install). Pods are processes of the host user, so what it honours is
 * confined: only `server` and `controller` start; every path must lie under one of the container's volumes and is
 * moved under the pod's own root; wildcard listen addresses become the pod IP; only secret, configMap, emptyDir and
 * claim volumes mount; only the image's six documented variables pass admission. Each hostile pod below is refused
 * (422 at admission, or CreateContainerConfigError) and the image's process never starts; the control pod starts
 * with its command line translated and a service account token the cluster's API accepts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { settle, startSecurityCluster, type SecurityCluster } from './local-api-support.js';

let c: SecurityCluster;
const NS = 'default';
const PODS = `/api/v1/namespaces/${NS}/pods`;

before(async () => {
  c = await startSecurityCluster(4);
  assert.equal(
    (await c.call('POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { metadata: { name: 'mgmt' } })).status,
    201,
  );
  const secret = {
    metadata: { name: 'tls' },
    data: { 'tls.crt': Buffer.from('CERT').toString('base64'), 'tls.key': Buffer.from('KEY').toString('base64') },
  };
  assert.equal((await c.call('POST', `/api/v1/namespaces/${NS}/secrets`, secret)).status, 201);
});
after(() => c.stop());

function meshbridgePod(name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      serviceAccountName: 'mgmt',
      volumes: [
        { name: 'tls', secret: { secretName: 'tls' } },
        { name: 'home', emptyDir: {} },
      ],
      containers: [
        {
          name: 'mgmt',
          image: 'meshbridge/meshbridge:0.1.0',
          volumeMounts: [
            { name: 'tls', mountPath: '/etc/meshbridge/tls' },
            { name: 'home', mountPath: '/var/lib/meshbridge' },
          ],
          ...container,
        },
      ],
      ...spec,
    },
  };
}

/** The waiting state of the pod's first container, once the runner has decided. */
async function waiting(name: string): Promise<{ reason?: string; message?: string } | undefined> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const pod = await c.call('GET', `${PODS}/${name}`);
    const statuses = ((pod.body.status as Record<string, unknown> | undefined)?.containerStatuses ?? []) as {
      state?: { waiting?: { reason?: string; message?: string } };
    }[];
    const w = statuses[0]?.state?.waiting;
    if (w && w.reason !== 'ContainerCreating') return w;
    await settle(100);
  }
  return undefined;
}

async function refusedAtRun(name: string, pod: unknown, why: RegExp): Promise<void> {
  const before = c.meshbridgeRuns().length;
  const res = await c.call('POST', PODS, pod);
  assert.equal(res.status, 201, res.text);
  const w = await waiting(name);
  assert.equal(w?.reason, 'CreateContainerConfigError', JSON.stringify(w));
  assert.match(w?.message ?? '', why);
  await settle(300);
  assert.equal(c.meshbridgeRuns().length, before, 'the image never started');
  assert.equal((await c.call('DELETE', `${PODS}/${name}`, {})).status, 200);
}

test('host paths, ".." and other commands are refused before the process starts', async () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['home-ssh', ['server', '--home', '/root/.ssh'], /not under a volume mount/],
    ['store-etc', ['server', '--store=sqlite:/etc/mb.db'], /not under a volume mount/],
    ['dotdot', ['server', '--tls-cert', '/etc/meshbridge/tls/../../../etc/shadow'], /"\.\." segment/],
    ['relative-dotdot', ['controller', '--kubeconfig', '../../../../kubeconfig'], /"\.\." segment/],
    ['local-up', ['local', 'up'], /runs server or controller/],
    ['token-out', ['token', 'create', '--out', '/var/lib/meshbridge/t'], /runs server or controller/],
    ['listen-host', ['server', '--listen', '127.0.0.1:8443'], /not the pod's/],
  ];
  for (const [name, args, why] of cases) await refusedAtRun(name, meshbridgePod(name, { args }), why);
  await refusedAtRun('shell', meshbridgePod('shell', { command: ['/bin/sh', '-c', 'id'], args: [] }), /entrypoint/);
});

test('a hostPath volume, a subPath and an item path out of its volume are refused', async () => {
  await refusedAtRun(
    'hostpath',
    meshbridgePod(
      'hostpath',
      { args: ['server'], volumeMounts: [{ name: 'root', mountPath: '/host' }] },
      { volumes: [{ name: 'root', hostPath: { path: '/' } }] },
    ),
    /only secret, configMap, emptyDir and persistentVolumeClaim/,
  );
  await refusedAtRun(
    'subpath',
    meshbridgePod('subpath', {
      args: ['server'],
      volumeMounts: [{ name: 'tls', mountPath: '/etc/x', subPath: '../..' }],
    }),
    /subPath/,
  );
  await refusedAtRun(
    'item-escape',
    meshbridgePod(
      'item-escape',
      { args: ['server'], volumeMounts: [{ name: 'tls', mountPath: '/etc/meshbridge/tls' }] },
      { volumes: [{ name: 'tls', secret: { secretName: 'tls', items: [{ key: 'tls.key', path: '../../../x' }] } }] },
    ),
    /not relative/,
  );
});

test('other MESHBRIDGE_* variables and loader variables are refused at admission for this image too', async () => {
  for (const [name, value] of [
    ['MESHBRIDGE_IMAGE_MAP', '{"*":{"entry":"/tmp/x.js","kind":"app"}}'],
    ['MB_PROXY_SECRET', 'x'],
    ['NODE_OPTIONS', '--require /tmp/x.js'],
  ] as const) {
    const res = await c.call('POST', PODS, meshbridgePod('env', { args: ['server'], env: [{ name, value }] }));
    assert.equal(res.status, 422, `${name}: ${res.text}`);
    assert.match(res.text, /spec\.containers\[0\]\.env\[0\]\.name/);
  }
  assert.equal(c.meshbridgeRuns().length, 0);
});

test('control: the install command line starts, translated into the pod root, with a token the API accepts', async () => {
  const res = await c.call(
    'POST',
    PODS,
    meshbridgePod('mgmt', {
      args: [
        'server',
        '--listen',
        '0.0.0.0:8443',
        '--tls-cert',
        '/etc/meshbridge/tls/tls.crt',
        '--home=/var/lib/meshbridge',
      ],
      env: [{ name: 'MESHBRIDGE_STORE', value: 'sqlite:/var/lib/meshbridge/mgmt.db' }],
    }),
  );
  assert.equal(res.status, 201, res.text);
  const deadline = Date.now() + 15_000;
  while (c.meshbridgeRuns().length === 0 && Date.now() < deadline) await settle(100);
  const [run] = c.meshbridgeRuns();
  assert.ok(run, 'the image started');
  const root = run.env.MESHBRIDGE_POD_ROOT ?? '';
  assert.ok(root.startsWith(c.dir), `the pod root ${root} is inside the cluster's state`);
  const ip = ((await c.call('GET', `${PODS}/mgmt`)).body.status as { podIP: string }).podIP;
  assert.deepEqual(run.args, [
    'server',
    '--listen',
    `${ip}:8443`,
    '--tls-cert',
    `${root}/etc/meshbridge/tls/tls.crt`,
    `--home=${root}/var/lib/meshbridge`,
  ]);
  assert.equal(run.env.MESHBRIDGE_STORE, `sqlite:${root}/var/lib/meshbridge/mgmt.db`);
  assert.ok(existsSync(join(root, 'etc/meshbridge/tls/tls.crt')));
  assert.equal(run.namespace, NS);
  // The mounted token authenticates as the pod's service account (which may do nothing here: no binding).
  const asAccount = await c.raw('GET', `${PODS}`, { host: c.host, authorization: `Bearer ${run.token ?? ''}` });
  assert.equal(asAccount.status, 403, asAccount.text);
  assert.match(String(asAccount.body.message), /system:serviceaccount:default:mgmt/);
  assert.equal((await c.call('DELETE', `${PODS}/mgmt`, {})).status, 200);
});

test('MESHBRIDGE_STORE from a Secret key: the pod waits for the Secret, then starts with the value translated', async () => {
  const before = c.meshbridgeRuns().length;
  const res = await c.call(
    'POST',
    PODS,
    meshbridgePod('from-secret', {
      args: ['server'],
      env: [{ name: 'MESHBRIDGE_STORE', valueFrom: { secretKeyRef: { name: 'store', key: 'url' } } }],
    }),
  );
  assert.equal(res.status, 201, res.text);
  await settle(1500);
  assert.equal(c.meshbridgeRuns().length, before, 'no start before the Secret exists');
  const secret = {
    metadata: { name: 'store' },
    data: { url: Buffer.from('sqlite:/var/lib/meshbridge/from-secret.db').toString('base64') },
  };
  assert.equal((await c.call('POST', `/api/v1/namespaces/${NS}/secrets`, secret)).status, 201);
  const deadline = Date.now() + 15_000;
  while (c.meshbridgeRuns().length === before && Date.now() < deadline) await settle(100);
  const run = c.meshbridgeRuns().at(-1);
  assert.equal(run?.pod, 'from-secret');
  assert.equal(
    run?.env.MESHBRIDGE_STORE,
    `sqlite:${run?.env.MESHBRIDGE_POD_ROOT ?? ''}/var/lib/meshbridge/from-secret.db`,
  );
  assert.equal((await c.call('DELETE', `${PODS}/from-secret`, {})).status, 200);
  // A Secret's value naming a host path is refused like a literal one.
  const hostile = {
    metadata: { name: 'store-hostile' },
    data: { url: Buffer.from('sqlite:/etc/mb.db').toString('base64') },
  };
  assert.equal((await c.call('POST', `/api/v1/namespaces/${NS}/secrets`, hostile)).status, 201);
  await refusedAtRun(
    'hostile-secret',
    meshbridgePod('hostile-secret', {
      args: ['server'],
      env: [{ name: 'MESHBRIDGE_STORE', valueFrom: { secretKeyRef: { name: 'store-hostile', key: 'url' } } }],
    }),
    /variable MESHBRIDGE_STORE .* not under a volume mount/,
  );
});
