import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthorizationPolicy } from '../inputs.js';
import { createSnapshot } from '../snapshot.js';
import { peerTrustDomains } from './authorization.js';

const policy = (name: string, namespace: string, spec: AuthorizationPolicy['spec']): AuthorizationPolicy => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace },
  spec,
});
const deny = (...notPrincipals: string[]): AuthorizationPolicy['spec'] => ({
  action: 'DENY',
  rules: [{ from: [{ source: { notPrincipals } }] }],
});
const domains = (...policies: AuthorizationPolicy[]) => peerTrustDomains(createSnapshot(policies));

test('no policy of the enforced shape leaves the trust domains unnamed (the sidecar keeps its own only)', () => {
  assert.equal(domains(), undefined);
  assert.equal(domains(policy('p', 'bookinfo', deny('a.local/*'))), undefined, 'not in the root namespace');
  assert.equal(domains(policy('p', 'istio-system', { ...deny('a.local/*'), action: 'ALLOW' })), undefined);
  assert.equal(
    domains(policy('p', 'istio-system', { ...deny('a.local/*'), selector: { matchLabels: { app: 'x' } } })),
    undefined,
    'a workload-scoped policy is not mesh-wide',
  );
});

test('a mesh-wide DENY notPrincipals policy names the accepted trust domains, sorted', () => {
  assert.deepEqual(domains(policy('p', 'istio-system', deny('b.local/*', 'a.local/*'))), ['a.local', 'b.local']);
});

test('several policies all apply: the accepted domains are their intersection', () => {
  const got = domains(
    policy('p1', 'istio-system', deny('a.local/*', 'b.local/*')),
    policy('p2', 'istio-system', deny('b.local/*', 'c.local/*')),
  );
  assert.deepEqual(got, ['b.local']);
});

test('entries other than <domain>/* accept nothing (fail closed)', () => {
  assert.deepEqual(domains(policy('p', 'istio-system', deny('a.local/ns/x/sa/y', '*', 'b.local/*'))), ['b.local']);
});
