import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredObject } from '../store/types.js';
import { materializeVolumes, planVolumes, SERVICE_ACCOUNT_MOUNT, type VolumeInputs } from './volumes.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const obj = (kind: string, name: string, extra: Record<string, unknown> = {}): StoredObject =>
  ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'meshbridge' }, ...extra }) as StoredObject;

function inputs(objects: StoredObject[], accounts = ['meshbridge-mgmt']): VolumeInputs {
  const find = (kind: string) => (ns: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);
  return {
    secret: find('Secret'),
    configMap: find('ConfigMap'),
    serviceAccount: (ns, name) => (accounts.includes(name) ? obj('ServiceAccount', name) : undefined),
    token: (ns, name) => (accounts.includes(name) ? `token-of-${ns}-${name}` : undefined),
    caPem: 'CA PEM',
  };
}

const pod = (volumes: unknown[], mounts: unknown[], spec: Record<string, unknown> = {}) => ({
  pod: obj('Pod', 'mgmt-1', { spec: { serviceAccountName: 'meshbridge-mgmt', volumes, containers: [], ...spec } }),
  container: { name: 'mgmt', volumeMounts: mounts },
});

const tls = obj('Secret', 'meshbridge-tls', {
  data: { 'tls.crt': b64('CERT'), 'tls.key': b64('KEY'), 'ca.crt': b64('CA') },
});

test('a secret volume with items and modes, a claim, an emptyDir and the service account volume', () => {
  const { pod: p, container } = pod(
    [
      {
        name: 'tls',
        secret: { secretName: 'meshbridge-tls', items: [{ key: 'ca.crt', path: 'ca/ca.crt' }], defaultMode: 0o440 },
      },
      { name: 'home', persistentVolumeClaim: { claimName: 'meshbridge-store' } },
      { name: 'tmp', emptyDir: {} },
    ],
    [
      { name: 'tls', mountPath: '/etc/meshbridge/tls', readOnly: true },
      { name: 'home', mountPath: '/var/lib/meshbridge' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  );
  const plan = planVolumes(p, container, inputs([tls]));
  assert.ok(plan.ok);
  assert.deepEqual(
    plan.mounts.map((m) => [m.mountPath, m.source.type]),
    [
      ['/etc/meshbridge/tls', 'files'],
      ['/var/lib/meshbridge', 'claim'],
      ['/tmp', 'empty'],
      [SERVICE_ACCOUNT_MOUNT, 'files'],
    ],
  );
  const dir = mkdtempSync(join(tmpdir(), 'mb-volumes-'));
  try {
    const root = join(dir, 'root');
    materializeVolumes(plan.mounts, { root, claimsDir: join(dir, 'claims'), namespace: 'meshbridge' });
    assert.equal(readFileSync(join(root, 'etc/meshbridge/tls/ca/ca.crt'), 'utf8'), 'CA');
    assert.equal(existsSync(join(root, 'etc/meshbridge/tls/tls.key')), false, 'items select the keys');
    assert.equal(statSync(join(root, 'etc/meshbridge/tls/ca/ca.crt')).mode & 0o777, 0o440);
    assert.equal(readlinkSync(join(root, 'var/lib/meshbridge')), join(dir, 'claims', 'meshbridge_meshbridge-store'));
    assert.equal(
      readFileSync(join(root, SERVICE_ACCOUNT_MOUNT, 'token'), 'utf8'),
      'token-of-meshbridge-meshbridge-mgmt',
    );
    assert.equal(readFileSync(join(root, SERVICE_ACCOUNT_MOUNT, 'namespace'), 'utf8'), 'meshbridge');
    // What a claim holds outlives the pod: the next pod's root links to the same directory.
    writeFileSync(join(root, 'var/lib/meshbridge/mgmt.db'), 'data');
    // A process that replaced its volume with a link to a host file cannot make the next mount write through it.
    rmSync(join(root, 'etc/meshbridge/tls'), { recursive: true });
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(root, 'etc/meshbridge/tls'));
    materializeVolumes(plan.mounts, { root, claimsDir: join(dir, 'claims'), namespace: 'meshbridge' });
    assert.equal(readFileSync(victim, 'utf8'), 'untouched');
    assert.equal(lstatSync(join(root, 'etc/meshbridge/tls')).isDirectory(), true);
    assert.equal(readFileSync(join(root, 'var/lib/meshbridge/mgmt.db'), 'utf8'), 'data');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing Secret or service account makes the pod wait; refused volumes say why', () => {
  const secretVolume = [{ name: 'tls', secret: { secretName: 'meshbridge-tls' } }];
  const mount = [{ name: 'tls', mountPath: '/etc/meshbridge/tls' }];
  const waiting = planVolumes(pod(secretVolume, mount).pod, pod(secretVolume, mount).container, inputs([]));
  assert.deepEqual(waiting, { ok: false, wait: true, reason: 'secret "meshbridge-tls" not found' });
  const noAccount = planVolumes(pod([], []).pod, pod([], []).container, inputs([], []));
  assert.deepEqual(noAccount, {
    ok: false,
    wait: true,
    reason: 'serviceaccount "meshbridge-mgmt" not found in namespace "meshbridge"',
  });
  const optOut = pod([], [], { automountServiceAccountToken: false });
  assert.deepEqual(planVolumes(optOut.pod, optOut.container, inputs([], [])), { ok: true, mounts: [] });

  const refused: Array<[unknown[], unknown[], RegExp]> = [
    [
      [{ name: 'h', hostPath: { path: '/etc' } }],
      [{ name: 'h', mountPath: '/host' }],
      /only secret, configMap, emptyDir/,
    ],
    [secretVolume, [{ name: 'tls', mountPath: 'relative' }], /not a clean absolute path/],
    [secretVolume, [{ name: 'tls', mountPath: '/etc/../root' }], /not a clean absolute path/],
    [secretVolume, [{ name: 'tls', mountPath: '/etc/x', subPath: 'a' }], /subPath/],
    [secretVolume, [{ name: 'other', mountPath: '/etc/x' }], /no volume of that name/],
    [
      [{ name: 'tls', secret: { secretName: 'meshbridge-tls', items: [{ key: 'ca.crt', path: '../../escape' }] } }],
      mount,
      /not relative/,
    ],
    [
      [{ name: 'tls', secret: { secretName: 'meshbridge-tls', items: [{ key: 'ca.crt', path: '/abs' }] } }],
      mount,
      /not relative/,
    ],
    [
      [{ name: 'tls', secret: { secretName: 'meshbridge-tls', items: [{ key: 'nope', path: 'x' }] } }],
      mount,
      /no key "nope"/,
    ],
  ];
  for (const [volumes, mounts, why] of refused) {
    const { pod: p, container } = pod(volumes, mounts);
    const plan = planVolumes(p, container, inputs([tls]));
    assert.equal(plan.ok, false, JSON.stringify(mounts));
    assert.equal(!plan.ok && plan.wait, false);
    assert.match(!plan.ok ? plan.reason : '', why);
  }
});
