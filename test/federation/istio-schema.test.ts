// The check the controller makes before every write: Istio objects against Istio 1.29.2's full CRD schemas
// (@kubernetes-models/istio). Every object the plan cases generate passes; invalid objects are named by field path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCase } from './support/cases.js';
import { plan } from '../../src/federation/plan.js';
import { describeRefusal, istioSchemaIssues } from '../../src/federation/istio-schema.js';
import type { KObject } from '../../src/kube/client.js';

const CASES = new URL('./plan-cases/', import.meta.url).pathname;

test('every object of every plan case is valid against the Istio CRD schema of its kind', () => {
  const counts: Record<string, number> = {};
  for (const file of readdirSync(CASES).filter((f) => f.endsWith('.yaml'))) {
    const { expanded } = loadCase(join(CASES, file));
    const out = plan({ config: expanded.config, inventories: expanded.inventories, resolved: expanded.resolved });
    for (const [cluster, objects] of Object.entries(out.clusters)) {
      for (const o of objects) {
        assert.deepEqual(istioSchemaIssues(o as KObject), [], `${file} ${cluster} ${o.kind}/${o.metadata.name}`);
        counts[o.kind] = (counts[o.kind] ?? 0) + 1;
      }
    }
  }
  // Every kind the controller writes was exercised.
  for (const kind of ['WorkloadEntry', 'ServiceEntry', 'DestinationRule', 'Gateway', 'AuthorizationPolicy']) {
    assert.ok((counts[kind] ?? 0) > 0, `no ${kind} checked`);
  }
});

const meta = { name: 'x', namespace: 'bookinfo' };
const we = (spec: Record<string, unknown>): KObject =>
  ({ apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: meta, spec }) as KObject;
const se = (spec: Record<string, unknown>): KObject =>
  ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: meta, spec }) as KObject;
const dr = (trafficPolicy: Record<string, unknown>): KObject =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: meta,
    spec: { host: 'details.bookinfo.svc.cluster.local', trafficPolicy },
  }) as KObject;
const gw = (server: Record<string, unknown>): KObject =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: meta,
    spec: { selector: { app: 'g' }, servers: [{ hosts: ['a.b.svc.cluster.local'], ...server }] },
  }) as KObject;
const ap = (spec: Record<string, unknown>): KObject =>
  ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta, spec }) as KObject;
const many = (n: number, value: (i: number) => unknown) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, value(i)]));

/** Invalid objects, each with the path and problem Istio's schema names. */
const INVALID: { name: string; object: KObject; path: string; message: RegExp }[] = [
  {
    name: 'WorkloadEntry with 129 ports (Istio maps at most 128)',
    object: we({ address: '10.0.0.1', ports: many(129, () => 15443) }),
    path: 'spec.ports',
    message: /more than 128/,
  },
  {
    name: 'WorkloadEntry with 257 labels',
    object: we({ address: '10.0.0.1', labels: many(257, () => 'v') }),
    path: 'spec.labels',
    message: /more than 256/,
  },
  {
    name: 'WorkloadEntry with a port that is not an integer',
    object: we({ address: '10.0.0.1', ports: { 'http-x': 'x' } }),
    path: 'spec.ports.http-x',
    message: /integer/,
  },
  {
    name: 'WorkloadEntry with a negative weight',
    object: we({ address: '10.0.0.1', weight: -1 }),
    path: 'spec.weight',
    message: />= 0/,
  },
  {
    name: 'WorkloadEntry with an address longer than 256',
    object: we({ address: 'a'.repeat(257) }),
    path: 'spec.address',
    message: /longer than 256/,
  },
  {
    name: 'ServiceEntry without hosts',
    object: se({ location: 'MESH_INTERNAL' }),
    path: 'spec.hosts',
    message: /^required$/,
  },
  {
    name: 'ServiceEntry with an unknown location',
    object: se({ hosts: ['a.b.svc.cluster.local'], location: 'MESH_SOMEWHERE' }),
    path: 'spec.location',
    message: /must be one of "MESH_EXTERNAL", "MESH_INTERNAL"/,
  },
  {
    name: 'ServiceEntry with 257 hosts (Istio allows 256)',
    object: se({ hosts: Array.from({ length: 257 }, (_, i) => `s${i}.bookinfo.svc.cluster.local`) }),
    path: 'spec.hosts',
    message: /more than 256/,
  },
  {
    name: 'DestinationRule with locality load balancing enabled as a string',
    object: dr({ loadBalancer: { localityLbSetting: { enabled: 'true' } } }),
    path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.enabled',
    message: /boolean/,
  },
  {
    name: 'DestinationRule with an unknown load-balancing policy',
    object: dr({ loadBalancer: { simple: 'FASTEST' } }),
    path: 'spec.trafficPolicy.loadBalancer.simple',
    message: /must be one of/,
  },
  {
    name: 'Gateway server port without protocol',
    object: gw({ port: { number: 15443, name: 'tls' }, tls: { mode: 'AUTO_PASSTHROUGH' } }),
    path: 'spec.servers[0].port.protocol',
    message: /^required$/,
  },
  {
    name: 'Gateway with an unknown TLS mode',
    object: gw({ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'PASS' } }),
    path: 'spec.servers[0].tls.mode',
    message: /must be one of/,
  },
  {
    name: 'AuthorizationPolicy with an unknown action',
    object: ap({ action: 'DENIED' }),
    path: 'spec.action',
    message: /must be one of "ALLOW", "DENY", "AUDIT", "CUSTOM"/,
  },
  {
    name: 'an Istio kind under a version it is not served at',
    object: { ...we({ address: '10.0.0.1' }), apiVersion: 'networking.istio.io/v9' } as KObject,
    path: 'apiVersion',
    message: /must be networking\.istio\.io\/v1/,
  },
];

for (const c of INVALID) {
  test(`refuses ${c.name}, naming ${c.path}`, () => {
    const issues = istioSchemaIssues(c.object);
    const at = issues.find((i) => i.path === c.path);
    assert.ok(at, `no issue at ${c.path}: ${JSON.stringify(issues)}`);
    assert.match(at.message, c.message);
  });
}

test('Kubernetes kinds are not Istio kinds: a Namespace is not checked here', () => {
  assert.deepEqual(istioSchemaIssues({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }), []);
});

test('a refusal reads as code, object, path and problem', () => {
  const object = we({ address: '10.0.0.1', weight: -1 });
  assert.equal(
    describeRefusal(object, istioSchemaIssues(object)),
    "[MB7007] WorkloadEntry bookinfo/x: spec.weight: must be >= 0 (invalid against Istio 1.29.2's CRD schema; not written)",
  );
});

test('an object with many problems is described by its first eight', () => {
  const object = se({
    hosts: ['a'],
    resolution: 'STATIC',
    endpoints: Array.from({ length: 20 }, () => ({ address: '1.1.1.1', weight: -1 })),
  });
  const issues = istioSchemaIssues(object);
  assert.equal(issues.length, 8);
  assert.deepEqual(issues[0], { path: 'spec.endpoints[0].weight', message: 'must be >= 0' });
});
