import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStore } from '../store/cluster-store.js';
import { createServiceAccountTokens, newSigningKey } from '../server/service-account-tokens.js';
import {
  reconcileTokenSecrets,
  SA_NAME_ANNOTATION,
  SA_UID_ANNOTATION,
  SECRETS,
  SERVICE_ACCOUNTS,
  TOKEN_SECRET_TYPE,
} from './token-secrets.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const decode = (v: unknown): string => Buffer.from(String(v), 'base64').toString('utf8');

function setup() {
  const store = new ClusterStore({ file: ':memory:' });
  const tokens = createServiceAccountTokens({ key: newSigningKey(), serviceAccounts: store });
  const pass = (): void => reconcileTokenSecrets(store, { tokens, caPem: CA });
  const secret = (name: string, sa: string, type = TOKEN_SECRET_TYPE) =>
    store.create(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      type,
      metadata: { name, namespace: 'apps', annotations: { [SA_NAME_ANNOTATION]: sa } },
    });
  const sa = (name: string) =>
    store.create(SERVICE_ACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'apps' } });
  const read = (name: string) => store.get(SECRETS, 'apps', name);
  return { store, tokens, pass, secret, sa, read };
}

test('a token Secret gets the token, namespace, ca.crt and uid of its ServiceAccount; a second pass writes nothing', () => {
  const { store, tokens, pass, secret, sa, read } = setup();
  const account = sa('bot');
  secret('bot-token', 'bot');
  pass();
  const s = read('bot-token');
  const data = (s?.data ?? {}) as Record<string, string>;
  assert.equal(tokens.authenticate(decode(data.token))?.user, 'system:serviceaccount:apps:bot');
  assert.equal(decode(data.namespace), 'apps');
  assert.equal(decode(data['ca.crt']), CA);
  assert.equal(s?.metadata.annotations?.[SA_UID_ANNOTATION], account.metadata.uid);
  const version = store.currentVersion();
  pass();
  assert.equal(store.currentVersion(), version);
});

test('a token Secret for a ServiceAccount that does not exist yet is filled once it appears', () => {
  const { pass, secret, sa, read } = setup();
  secret('late-token', 'late');
  pass();
  assert.equal(read('late-token')?.data, undefined);
  sa('late');
  pass();
  assert.ok((read('late-token')?.data as Record<string, string>).token);
});

test('other Secrets are left alone', () => {
  const { pass, secret, sa, read } = setup();
  sa('bot');
  secret('opaque', 'bot', 'Opaque');
  pass();
  assert.equal(read('opaque')?.data, undefined);
});

test('a filled Secret is deleted when its ServiceAccount is deleted or replaced, as kube-controller-manager does', () => {
  const { store, pass, secret, sa, read } = setup();
  sa('bot');
  secret('bot-token', 'bot');
  pass();
  store.delete(SERVICE_ACCOUNTS, 'apps', 'bot');
  sa('bot');
  pass();
  assert.equal(read('bot-token'), undefined);
});
