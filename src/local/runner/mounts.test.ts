import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPathOf, translateMeshbridgeCommand, type MountTable } from './mounts.js';

const table: MountTable = {
  root: '/state/pods/meshbridge_mgmt-1/root/mgmt',
  mountPaths: ['/etc/meshbridge/tls', '/var/lib/meshbridge'],
};
const R = table.root;

test('paths under a mount move under the pod root; others have no host path', () => {
  assert.equal(hostPathOf('/etc/meshbridge/tls/tls.crt', table), `${R}/etc/meshbridge/tls/tls.crt`);
  assert.equal(hostPathOf('/var/lib/meshbridge', table), `${R}/var/lib/meshbridge`);
  assert.equal(hostPathOf('/etc/meshbridge/tls-other', table), undefined, 'a sibling with the same prefix');
  assert.equal(hostPathOf('/etc/meshbridge/tls/../../passwd', table), undefined);
  assert.equal(hostPathOf('/etc/passwd', table), undefined);
  assert.equal(hostPathOf('relative', table), undefined);
});

test('the install command line of the management plane is translated: paths, the store, the listen address', () => {
  const out = translateMeshbridgeCommand(
    [
      'server',
      '--listen',
      '0.0.0.0:8443',
      '--tls-cert',
      '/etc/meshbridge/tls/tls.crt',
      '--home=/var/lib/meshbridge',
      '--gitops',
      'meshbridge',
    ],
    { MESHBRIDGE_STORE: 'sqlite:/var/lib/meshbridge/mgmt.db', LOG_LEVEL: 'info' },
    table,
    '127.40.0.9',
  );
  assert.deepEqual(out, {
    ok: true,
    args: [
      'server',
      '--listen',
      '127.40.0.9:8443',
      '--tls-cert',
      `${R}/etc/meshbridge/tls/tls.crt`,
      `--home=${R}/var/lib/meshbridge`,
      '--gitops',
      'meshbridge',
    ],
    env: { MESHBRIDGE_STORE: `sqlite:${R}/var/lib/meshbridge/mgmt.db`, LOG_LEVEL: 'info' },
  });
  for (const wildcard of ['[::]:9090', ':9090', '0.0.0.0:9090']) {
    const r = translateMeshbridgeCommand(['controller', '--health-listen', wildcard], {}, table, '127.40.0.9');
    assert.deepEqual(r.ok && r.args, ['controller', '--health-listen', '127.40.0.9:9090'], wildcard);
  }
  const own = translateMeshbridgeCommand(['server', '--listen', '127.40.0.9:8443'], {}, table, '127.40.0.9');
  assert.deepEqual(own.ok && own.args, ['server', '--listen', '127.40.0.9:8443'], "the pod's own address");
  const url = translateMeshbridgeCommand(
    ['controller', '--mgmt', 'https://meshbridge-mgmt.meshbridge.svc:8443'],
    {},
    table,
    '127.1.0.2',
  );
  assert.deepEqual(url.ok && url.args, ['controller', '--mgmt', 'https://meshbridge-mgmt.meshbridge.svc:8443']);
});

test('hostile command lines are refused: host paths, "..", other commands, path variables outside the volumes', () => {
  const refused: Array<[string[], Record<string, string>, RegExp]> = [
    [['server', '--home', '/home/user/.ssh'], {}, /not under a volume mount/],
    [['server', '--home=/root'], {}, /not under a volume mount/],
    [['server', '--tls-cert', '/etc/meshbridge/tls/../../../etc/shadow'], {}, /"\.\." segment/],
    [['server', '--store', 'sqlite:/tmp/x.db'], {}, /not under a volume mount/],
    [['server', '--store', 'sqlite:../../x.db'], {}, /"\.\." segment/],
    [['server', '--kubeconfig', '../../../kubeconfig'], {}, /"\.\." segment/],
    [['server'], { MESHBRIDGE_HOME: '/home/user' }, /variable MESHBRIDGE_HOME/],
    [['server'], { MESHBRIDGE_STORE: 'sqlite:/etc/x.db' }, /variable MESHBRIDGE_STORE/],
    [['local', 'up'], {}, /runs server or controller/],
    [['token', 'create', '--out', '/var/lib/meshbridge/t'], {}, /runs server or controller/],
    [[], {}, /runs server or controller/],
    [['server', '--listen', '127.0.0.1:8443'], {}, /not the pod's/],
    [['server', '--listen=localhost:9090'], {}, /not the pod's/],
    [['controller', '--health-listen', '127.40.0.10:9090'], {}, /not the pod's/],
  ];
  for (const [args, env, why] of refused) {
    const r = translateMeshbridgeCommand(args, env, table, '127.40.0.9');
    assert.equal(r.ok, false, args.join(' '));
    assert.match(r.ok ? '' : r.reason, why, args.join(' '));
  }
});
