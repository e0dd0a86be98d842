import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterStore } from '../store/cluster-store.js';
import {
  createServiceAccountTokens,
  isServiceAccountToken,
  loadOrCreateSigningKey,
  newSigningKey,
} from './service-account-tokens.js';

const SA = { group: '', plural: 'serviceaccounts' };
const NS = { group: '', plural: 'namespaces' };

function setup() {
  const store = new ClusterStore({ file: ':memory:' });
  store.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
  store.create(SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'apps' } });
  const tokens = createServiceAccountTokens({ key: newSigningKey(), serviceAccounts: store });
  return { store, tokens };
}

test('a token of an existing ServiceAccount authenticates as it, with the Kubernetes groups', () => {
  const { tokens } = setup();
  const token = tokens.issue('apps', 'bot') ?? '';
  assert.ok(isServiceAccountToken(token));
  assert.match(token, /^[A-Za-z0-9._-]+$/, 'usable as a bearer token');
  assert.equal(tokens.issue('apps', 'bot'), token, 'the same ServiceAccount always gets the same token');
  assert.deepEqual(tokens.authenticate(token), {
    user: 'system:serviceaccount:apps:bot',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:apps', 'system:authenticated'],
  });
});

test('no token is issued for a ServiceAccount that does not exist', () => {
  assert.equal(setup().tokens.issue('apps', 'ghost'), undefined);
});

test('a token with any byte of its MAC or payload changed is refused', () => {
  const { tokens } = setup();
  const token = tokens.issue('apps', 'bot') ?? '';
  const dot = token.lastIndexOf('.');
  const mac = Buffer.from(token.slice(dot + 1), 'base64url');
  mac[0] = (mac[0] ?? 0) ^ 1;
  assert.equal(tokens.authenticate(`${token.slice(0, dot + 1)}${mac.toString('base64url')}`), undefined);
  const forged = Buffer.from(JSON.stringify({ ns: 'apps', sa: 'admin', uid: 'x' })).toString('base64url');
  assert.equal(tokens.authenticate(`mbsa1.${forged}.${token.slice(dot + 1)}`), undefined);
  for (const bad of ['', 'mbsa1.', 'mbsa1..', `${token}.x`, token.slice(0, -2), 'Bearer x'])
    assert.equal(tokens.authenticate(bad), undefined, bad);
});

test("another cluster's key does not accept this cluster's tokens", () => {
  const { store, tokens } = setup();
  const other = createServiceAccountTokens({ key: newSigningKey(), serviceAccounts: store });
  assert.equal(other.authenticate(tokens.issue('apps', 'bot') ?? ''), undefined);
});

test('deleting the ServiceAccount revokes its tokens, also after one of the same name is created again', () => {
  const { store, tokens } = setup();
  const old = tokens.issue('apps', 'bot') ?? '';
  store.delete(SA, 'apps', 'bot');
  assert.equal(tokens.authenticate(old), undefined);
  store.create(SA, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'apps' } });
  assert.equal(tokens.authenticate(old), undefined);
  const fresh = tokens.issue('apps', 'bot') ?? '';
  assert.notEqual(fresh, old);
  assert.equal(tokens.authenticate(fresh)?.user, 'system:serviceaccount:apps:bot');
});

test('the signing key is made once, kept 0600, and read back the same', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-sa-key-'));
  try {
    const file = join(dir, 'service-account-key');
    const key = loadOrCreateSigningKey(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateSigningKey(file), key);
    writeFileSync(file, 'short\n');
    assert.notDeepEqual(loadOrCreateSigningKey(file), key, 'an unusable key file is replaced');
    assert.ok(readFileSync(file, 'utf8').trim().length >= 43);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the key must be at least 32 bytes', () => {
  const store = new ClusterStore({ file: ':memory:' });
  assert.throws(() => createServiceAccountTokens({ key: Buffer.alloc(8), serviceAccounts: store }), TypeError);
});
