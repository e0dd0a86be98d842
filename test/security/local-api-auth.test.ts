/**
 * A local cluster's API refuses what a hostile local user or web page can send: no credential, a wrong one, a
 * foreign Host (DNS rebinding), bodies a cross-site form or no-CORS fetch can produce; it never grants CORS. Each
 * hostile request tries to create a Pod of the counting app; the test checks the refusal, that the store did not
 * change and that the app never started nor received a byte.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { countingPod, settle, startSecurityCluster, type Answer, type SecurityCluster } from './local-api-support.js';

let c: SecurityCluster;
const PODS = '/api/v1/namespaces/default/pods';

before(async () => {
  c = await startSecurityCluster(1);
});
after(() => c.stop());

/** Sends a hostile create, checks the status and the Status reason, then that nothing happened anywhere. */
async function hostileCreate(
  name: string,
  headers: Record<string, string>,
  body: string,
  status: number,
  reason: string,
): Promise<Answer> {
  const version = c.cluster.store.currentVersion();
  const res = await c.raw('POST', PODS, headers, body);
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.kind, 'Status');
  assert.equal(res.body.reason, reason);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
  await settle(300);
  assert.equal(c.cluster.store.currentVersion(), version);
  assert.equal(c.cluster.store.get({ group: '', plural: 'pods' }, 'default', name), undefined);
  assert.deepEqual(c.starts(), []);
  assert.equal(c.bytesReceived(), 0);
  return res;
}

const json = (name: string) => JSON.stringify(countingPod(name));

test('a request without a credential is refused with 401 and creates nothing', async () => {
  await hostileCreate(
    'no-cred',
    { host: c.host, 'content-type': 'application/json' },
    json('no-cred'),
    401,
    'Unauthorized',
  );
});

test('a request with a wrong bearer token of the same length is refused with 401', async () => {
  const wrong = c.token.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'));
  await hostileCreate(
    'wrong-cred',
    { host: c.host, authorization: `Bearer ${wrong}`, 'content-type': 'application/json' },
    json('wrong-cred'),
    401,
    'Unauthorized',
  );
});

test("the old fixed kubeconfig token 'meshbridge-local' is refused with 401", async () => {
  await hostileCreate(
    'old-cred',
    { host: c.host, authorization: 'Bearer meshbridge-local', 'content-type': 'application/json' },
    json('old-cred'),
    401,
    'Unauthorized',
  );
});

test('a request whose Host is a foreign name (DNS rebinding) is refused with 403 even with the token', async () => {
  await hostileCreate(
    'rebound',
    { host: `attacker.example:${c.port}`, authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    json('rebound'),
    403,
    'Forbidden',
  );
});

test('a request whose Host names the right address on another port is refused with 403', async () => {
  await hostileCreate(
    'other-port',
    { host: `127.0.0.1:${c.port + 1}`, authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    json('other-port'),
    403,
    'Forbidden',
  );
});

test('a text/plain body (what a cross-site form can send) is refused with 415 even with the token', async () => {
  await hostileCreate(
    'plain',
    { host: c.host, authorization: `Bearer ${c.token}`, 'content-type': 'text/plain' },
    json('plain'),
    415,
    'UnsupportedMediaType',
  );
});

test('a form-encoded body is refused with 415', async () => {
  await hostileCreate(
    'form',
    { host: c.host, authorization: `Bearer ${c.token}`, 'content-type': 'application/x-www-form-urlencoded' },
    `x=${encodeURIComponent(json('form'))}`,
    415,
    'UnsupportedMediaType',
  );
});

test('a body without Content-Type is refused with 415', async () => {
  await hostileCreate(
    'untyped',
    { host: c.host, authorization: `Bearer ${c.token}` },
    json('untyped'),
    415,
    'UnsupportedMediaType',
  );
});

test('a CORS preflight gets no Access-Control header and is refused', async () => {
  const res = await c.raw('OPTIONS', PODS, {
    host: c.host,
    origin: 'http://attacker.example',
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization,content-type',
  });
  assert.equal(res.status, 401);
  for (const h of Object.keys(res.headers)) assert.doesNotMatch(h, /^access-control-/);
  assert.deepEqual(c.starts(), []);
});

test('pod logs and exec context (the pod environment) need the credential too', async () => {
  for (const path of [
    '/api/v1/namespaces/default/pods/x/log',
    '/meshbridge/v1/namespaces/default/pods/x/exec-context',
  ]) {
    const res = await c.raw('GET', path, { host: c.host });
    assert.equal(res.status, 401, path);
    assert.equal(res.body.reason, 'Unauthorized');
  }
});

test('with the token and its own Host (ip:port or localhost:port) the same pod is created and its app runs', async () => {
  const res = await c.raw(
    'POST',
    PODS,
    { host: `localhost:${c.port}`, authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    json('allowed'),
  );
  assert.equal(res.status, 201, res.text);
  // The counter works: the app this suite says never started does start for a legitimate request.
  const deadline = Date.now() + 15_000;
  while (!c.starts().includes('allowed') && Date.now() < deadline) await settle(100);
  assert.deepEqual(c.starts(), ['allowed']);
  assert.equal((await c.call('DELETE', `${PODS}/allowed`, {})).status, 200);
  const health = await c.raw('GET', '/readyz', { host: c.host });
  assert.equal(health.status, 200);
  assert.equal(health.text, 'ok');
});
