// The objects the plan generates validate against Istio's own CRD schemas (test/federation/istio-crds/), so the
// same output can drive a real Istio, and against the resource model's validation (src/api).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkSchema, type SchemaNode } from './support/structural-schema.js';
import { loadCase } from './support/cases.js';
import { plan } from '../../src/federation/plan.js';
import { validateObject } from '../../src/api/index.js';

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

test('every Istio object of every plan case is valid against the Istio CRD schema of its kind', () => {
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

test('the schema checker rejects what Istio rejects', () => {
  const we = SCHEMAS.WorkloadEntry as SchemaNode;
  const good = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: {},
    spec: { address: '10.0.0.1', ports: { http: 15443 } },
  };
  assert.deepEqual(checkSchema(we, good), []);
  assert.match(
    checkSchema(we, { ...good, spec: { address: '10.0.0.1', ports: { http: 0 } } }).join(),
    /port must be between 1-65535/,
  );
  assert.match(
    checkSchema(we, { ...good, spec: { address: '10.0.0.1', ports: { 'bad name': 1 } } }).join(),
    /port name must be valid/,
  );
  assert.match(checkSchema(we, { ...good, spec: { ports: { http: 1 } } }).join(), /Address is required/);
  assert.match(
    checkSchema(we, { ...good, spec: { address: '1.2.3.4', priority: 1 } }).join(),
    /spec.priority: unknown field/,
  );
  assert.match(checkSchema(we, { ...good, spec: { address: '1.2.3.4', weight: -1 } }).join(), /below minimum/);
  const se = SCHEMAS.ServiceEntry as SchemaNode;
  assert.match(checkSchema(se, { spec: { hosts: ['*'] } }).join(), /hostname cannot be wildcard/);
  assert.match(
    checkSchema(se, { spec: { hosts: ['a'], endpoints: [{ address: '1.1.1.1' }] } }).join(),
    /NONE mode cannot set endpoints/,
  );
  assert.match(checkSchema(se, { spec: { hosts: ['a'], location: 'MESH_SOMEWHERE' } }).join(), /not in enum/);
  assert.match(checkSchema(se, { spec: {} }).join(), /spec.hosts: required/);
  const dr = SCHEMAS.DestinationRule as SchemaNode;
  assert.match(
    checkSchema(dr, { spec: { host: 'a', trafficPolicy: { outlierDetection: { interval: '0s' } } } }).join(),
    /duration greater than 1ms/,
  );
  assert.match(
    checkSchema(dr, { spec: { host: 'a', trafficPolicy: { loadBalancer: { simple: 'FASTEST' } } } }).join(),
    /not in enum/,
  );
  assert.match(checkSchema(dr, { spec: { trafficPolicy: {} } }).join(), /spec.host: required/);
  const gw = SCHEMAS.Gateway as SchemaNode;
  const server = { port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['a.b.svc.cluster.local'] };
  assert.deepEqual(checkSchema(gw, { spec: { servers: [{ ...server, tls: { mode: 'AUTO_PASSTHROUGH' } }] } }), []);
  assert.match(checkSchema(gw, { spec: { servers: [{ ...server, tls: { mode: 'AUTO' } }] } }).join(), /not in enum/);
  assert.match(checkSchema(gw, { spec: { servers: [{ port: server.port }] } }).join(), /hosts: required/);
  assert.match(
    checkSchema(gw, { spec: { servers: [{ ...server, port: { number: 15443, name: 'tls' } }] } }).join(),
    /protocol: required/,
  );
  assert.match(
    checkSchema(gw, {
      spec: { servers: [{ ...server, tls: { credentialName: 'a', credentialNames: ['b'] } }] },
    }).join(),
    /only one of credentialName or credentialNames/,
  );
});
