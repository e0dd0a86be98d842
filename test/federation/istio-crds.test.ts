// What Istio's CRDs enforce beyond the schemas the controller validates with (@kubernetes-models/istio, see
// istio-schema.test.ts): the CEL rules (x-kubernetes-validations) and unknown fields, which a real API server holding
// Istio's CRDs checks and the package's validators do not. The trimmed copies in test/federation/istio-crds/ keep
// those rules, so the objects the plan generates are checked against them too, and against the resource model's
// validation (src/api) that the embedded clusters enforce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkSchema, type SchemaNode } from './support/structural-schema.js';
import { loadCase } from './support/cases.js';
import { plan } from '../../src/federation/plan.js';
import { validateObject } from '../../src/api/index.js';
import { istioSchemaIssues } from '../../src/federation/istio-schema.js';
import type { KObject } from '../../src/kube/client.js';

const CRDS = new URL('./istio-crds/', import.meta.url).pathname;
const CASES = new URL('./plan-cases/', import.meta.url).pathname;
const schema = (file: string): SchemaNode => parse(readFileSync(join(CRDS, file), 'utf8')) as SchemaNode;
const SCHEMAS: Record<string, SchemaNode> = {
  WorkloadEntry: schema('workloadentry.v1.yaml'),
  ServiceEntry: schema('serviceentry.v1.yaml'),
  DestinationRule: schema('destinationrule.v1.yaml'),
  Gateway: schema('gateway.v1.yaml'),
  AuthorizationPolicy: schema('authorizationpolicy.v1.yaml'),
};

test("every Istio object of every plan case satisfies Istio's CEL rules and has no unknown field", () => {
  const counts: Record<string, number> = {
    WorkloadEntry: 0,
    ServiceEntry: 0,
    DestinationRule: 0,
    Gateway: 0,
    AuthorizationPolicy: 0,
  };
  for (const file of readdirSync(CASES).filter((f) => f.endsWith('.yaml'))) {
    const { expanded } = loadCase(join(CASES, file));
    const out = plan({ config: expanded.config, inventories: expanded.inventories, resolved: expanded.resolved });
    for (const [cluster, objects] of Object.entries(out.clusters)) {
      for (const o of objects) {
        if (o.kind === 'Namespace') continue;
        assert.equal(
          o.apiVersion,
          o.kind === 'AuthorizationPolicy' ? 'security.istio.io/v1' : 'networking.istio.io/v1',
        );
        const errors = checkSchema(SCHEMAS[o.kind] as SchemaNode, o);
        assert.deepEqual(errors, [], `${file} ${cluster} ${o.kind}/${o.metadata.name}`);
        // The resource model (what the embedded cluster API enforces) accepts it too.
        const v = validateObject(o);
        assert.deepEqual(v.errors, [], `${file} ${cluster} ${o.kind}/${o.metadata.name} (src/api)`);
        counts[o.kind] = (counts[o.kind] ?? 0) + 1;
      }
    }
  }
  // Each kind was actually exercised (the cases include every kind the controller writes).
  for (const [kind, n] of Object.entries(counts)) assert.ok(n > 0, `no ${kind} checked`);
});

/**
 * Objects Istio's API server refuses through a CEL rule or as an unknown field, each with what it says. The package's
 * validators accept every one of them: this is what the trimmed copies test that the package cannot.
 */
const server = { port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['a.b.svc.cluster.local'] };
const beyondPackage: { kind: keyof typeof SCHEMAS; spec: Record<string, unknown>; error: RegExp }[] = [
  { kind: 'WorkloadEntry', spec: { address: '10.0.0.1', ports: { http: 0 } }, error: /port must be between 1-65535/ },
  { kind: 'WorkloadEntry', spec: { address: '10.0.0.1', ports: { 'bad name': 1 } }, error: /port name must be valid/ },
  { kind: 'WorkloadEntry', spec: { ports: { http: 1 } }, error: /Address is required/ },
  { kind: 'WorkloadEntry', spec: { address: '1.2.3.4', priority: 1 }, error: /spec.priority: unknown field/ },
  { kind: 'ServiceEntry', spec: { hosts: ['*'] }, error: /hostname cannot be wildcard/ },
  {
    kind: 'ServiceEntry',
    spec: { hosts: ['a'], endpoints: [{ address: '1.1.1.1' }] },
    error: /NONE mode cannot set endpoints/,
  },
  {
    kind: 'DestinationRule',
    spec: { host: 'a', trafficPolicy: { outlierDetection: { interval: '0s' } } },
    error: /duration greater than 1ms/,
  },
  {
    kind: 'Gateway',
    spec: { selector: { app: 'g' }, servers: [{ ...server, tls: { credentialName: 'a', credentialNames: ['b'] } }] },
    error: /only one of credentialName or credentialNames/,
  },
];

for (const c of beyondPackage) {
  test(`Istio refuses a ${c.kind} that the package's validators accept: ${c.error.source}`, () => {
    const object = { apiVersion: 'networking.istio.io/v1', kind: c.kind, metadata: { name: 'x' }, spec: c.spec };
    assert.deepEqual(istioSchemaIssues(object as KObject), [], 'the package now catches this: drop the copy');
    assert.match(checkSchema(SCHEMAS[c.kind] as SchemaNode, object).join(), c.error);
  });
}

test('the copies accept what Istio accepts', () => {
  const good = { metadata: {}, spec: { address: '10.0.0.1', ports: { http: 15443 } } };
  assert.deepEqual(checkSchema(SCHEMAS.WorkloadEntry as SchemaNode, good), []);
  const gw = { spec: { servers: [{ ...server, tls: { mode: 'AUTO_PASSTHROUGH' } }] } };
  assert.deepEqual(checkSchema(SCHEMAS.Gateway as SchemaNode, gw), []);
});
