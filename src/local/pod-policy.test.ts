import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podSpecViolations, processEnvViolations, refusedEnv } from './pod-policy.js';

test('variables that steer the process are refused, ordinary ones and NODE_NAME/NODE_ENV are not', () => {
  const refused = [
    'NODE_OPTIONS',
    'node_options',
    'NODE_PATH',
    'NODE_EXTRA_CA_CERTS',
    'NODE_TLS_REJECT_UNAUTHORIZED',
    'LD_PRELOAD',
    'LD_LIBRARY_PATH',
    'DYLD_INSERT_LIBRARIES',
    'PATH',
    'HOME',
    'BASH_ENV',
    'BASH_FUNC_curl%%',
    'GLIBC_TUNABLES',
    'OPENSSL_CONF',
    'SSL_CERT_FILE',
    'npm_config_node_options',
    'MB_CERT_DIR',
    'MESHBRIDGE_HOME',
    'PYTHONPATH',
    'JAVA_TOOL_OPTIONS',
    'GIT_SSH_COMMAND',
    '1BAD',
    'A=B',
    '',
  ];
  for (const name of refused) assert.ok(refusedEnv(name) !== undefined, name);
  for (const name of ['NODE_NAME', 'NODE_ENV', 'LOG_LEVEL', 'DB_HOST', 'SERVICE_VERSION', 'HTTP_PROXY', 'my.var-1']) {
    assert.equal(refusedEnv(name, 'value'), undefined, name);
  }
  assert.match(refusedEnv('GREETING', 'a\u0000b') ?? '', /NUL/);
});

test('violations of a pod spec name the field of each refused entry', () => {
  const spec = {
    containers: [
      {
        name: 'a',
        env: [
          { name: 'OK', value: '1' },
          { name: 'LD_PRELOAD', value: '/x.so' },
        ],
      },
    ],
    initContainers: [{ name: 'i', env: [{ name: 'V', value: 'a\u0000' }] }],
  };
  assert.deepEqual(
    podSpecViolations(spec, ['spec', 'template', 'spec']).map((v) => v.path),
    ['spec.template.spec.containers[0].env[1].name', 'spec.template.spec.initContainers[0].env[0].value'],
  );
});

test('a finished process environment is checked as a whole', () => {
  assert.deepEqual(processEnvViolations({ POD_NAME: 'p', LOG_LEVEL: 'x' }), []);
  assert.match(processEnvViolations({ NODE_OPTIONS: '-r /tmp/x.js' })[0] ?? '', /^env NODE_OPTIONS: /);
});
