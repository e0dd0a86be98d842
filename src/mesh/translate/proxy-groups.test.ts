/**
 * Sidecars share their outbound resources by role, namespace and locality; their labels split the group only
 * when a rule orders endpoints by labels (failoverPriority). And a sidecar's inbound side comes from the services
 * selecting its own pod, found through the snapshot's selector index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSnapshot } from '../snapshot.js';
import type { MeshObject } from '../inputs.js';
import { proxyFromNode } from '../proxy.js';
import { translate } from './index.js';

const ns = { kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } };
const svc = (name: string, selector: Record<string, string>) => ({
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { selector, ports: [{ name: 'http', port: 8080 }] },
});
const pod = (name: string, ip: string, labels: Record<string, string>) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  spec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
});
const byVersion = {
  kind: 'DestinationRule',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    host: 'web.shop.svc.cluster.local',
    trafficPolicy: {
      outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '30s' },
      loadBalancer: { localityLbSetting: { enabled: true, failoverPriority: ['version'] } },
    },
  },
};
const objects = [
  ns,
  svc('web', { app: 'web' }),
  svc('api', { tier: 'api' }),
  pod('web-v1', '10.0.0.1', { app: 'web', version: 'v1' }),
  pod('web-v2', '10.0.0.2', { app: 'web', version: 'v2' }),
  pod('client-a', '10.0.1.1', { app: 'client', version: 'v1', tier: 'api' }),
  pod('client-b', '10.0.1.2', { app: 'client', version: 'v2' }),
];
const proxy = (snapshot: ReturnType<typeof createSnapshot>, ip: string, name: string) =>
  proxyFromNode(
    { id: `sidecar~${ip}~${name}.shop~shop.svc.cluster.local`, locality: { region: 'r1' }, metadata: {} },
    snapshot,
  );
const WEB = 'outbound|8080||web.shop.svc.cluster.local';
const priorities = (r: ReturnType<typeof translate>) => {
  const cla = r.endpoints.find((e) => (e as { cluster_name?: string }).cluster_name === WEB) as {
    endpoints: {
      priority?: number;
      lb_endpoints: { endpoint: { address: { socket_address: { address: string } } } }[];
    }[];
  };
  return Object.fromEntries(
    cla.endpoints.flatMap((g) =>
      g.lb_endpoints.map((e) => [e.endpoint.address.socket_address.address, g.priority ?? 0]),
    ),
  );
};

test('without a label-ordered rule, sidecars of different labels share one outbound list', () => {
  const snapshot = createSnapshot(objects as MeshObject[], { revision: 1 });
  const a = translate(snapshot, proxy(snapshot, '10.0.1.1', 'client-a'));
  const b = translate(snapshot, proxy(snapshot, '10.0.1.2', 'client-b'));
  assert.equal(a.endpoints, b.endpoints, 'the very same array');
  assert.equal(a.routes, b.routes);
});

test('with failoverPriority on a label, each sidecar gets its own priorities', () => {
  const snapshot = createSnapshot([...objects, byVersion] as MeshObject[], { revision: 1 });
  const a = translate(snapshot, proxy(snapshot, '10.0.1.1', 'client-a'));
  const b = translate(snapshot, proxy(snapshot, '10.0.1.2', 'client-b'));
  assert.deepEqual(priorities(a), { '10.0.0.1': 0, '10.0.0.2': 1 }, 'v1 client: v1 first');
  assert.deepEqual(priorities(b), { '10.0.0.1': 1, '10.0.0.2': 0 }, 'v2 client: v2 first');
});

test("a sidecar's inbound clusters come from the services selecting its own pod, whichever label they select on", () => {
  const snapshot = createSnapshot(objects as MeshObject[], { revision: 1 });
  const names = (ip: string, name: string) =>
    translate(snapshot, proxy(snapshot, ip, name))
      .clusters.map((c) => (c as { name: string }).name)
      .filter((n) => n.startsWith('inbound'));
  assert.deepEqual(names('10.0.1.1', 'client-a'), ['inbound|8080||'], 'selected by api (tier=api)');
  assert.deepEqual(names('10.0.1.2', 'client-b'), [], 'no service selects client-b');
  assert.deepEqual(names('10.0.0.1', 'web-v1'), ['inbound|8080||']);
});
