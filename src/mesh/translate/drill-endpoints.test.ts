/**
 * A failover drill in translation: the drilled Service's pods are sent as DRAINING (not healthy, still listed, so
 * Envoy's panic rule keeps them serving when no other copy exists), the remote entries beside them are untouched,
 * and an expired drill drains nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSnapshot } from '../snapshot.js';
import type { MeshObject } from '../inputs.js';
import { NO_LOCALITY } from '../../priority/index.js';
import { drillAnnotations } from '../../api/drill-lease.js';
import { loadAssignment } from './endpoints.js';
import { servicePorts } from './services.js';

const ns = { kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } };
const svc = (annotations: Record<string, string> = {}) => ({
  kind: 'Service',
  metadata: { name: 'cart', namespace: 'shop', annotations },
  spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 8080 }] },
});
const pod = {
  kind: 'Pod',
  metadata: { name: 'cart-0', namespace: 'shop', labels: { app: 'cart' } },
  spec: { containers: [{ name: 'cart', ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: '10.0.0.2', conditions: [{ type: 'Ready', status: 'True' }] },
};
const remote = {
  kind: 'WorkloadEntry',
  apiVersion: 'networking.istio.io/v1',
  metadata: { name: 'k-cart-cluster-2', namespace: 'shop' },
  spec: { address: '192.0.2.10', labels: { app: 'cart' }, ports: { http: 15443 }, locality: 'eu-central-1' },
};
const cart = (annotations?: Record<string, string>) => {
  const snapshot = createSnapshot([ns, svc(annotations), pod, remote] as MeshObject[]);
  const port = servicePorts(snapshot, { localOnly: false }).find((p) => p.name === 'cart');
  assert.ok(port, 'the cart service port');
  return port;
};
const hour = 3600_000;

test("a drilled service's pods are draining and not healthy; the remote entry stays healthy", () => {
  const port = cart(drillAnnotations('drill-1', new Date(Date.now() + hour)));
  const byAddress = new Map(port.endpoints.map((e) => [e.address, e]));
  assert.deepEqual(
    [byAddress.get('10.0.0.2')?.healthy, byAddress.get('10.0.0.2')?.draining],
    [false, true],
    'the local pod',
  );
  assert.deepEqual([byAddress.get('192.0.2.10')?.healthy, byAddress.get('192.0.2.10')?.draining], [true, undefined]);
  const cla = loadAssignment('outbound|8080||cart.shop.svc.cluster.local', port, proxy, 'no-destination-rule') as {
    endpoints: { lb_endpoints: { health_status: string }[] }[];
  };
  const statuses = cla.endpoints.flatMap((l) => l.lb_endpoints.map((e) => e.health_status));
  assert.deepEqual(statuses.sort(), ['DRAINING', 'HEALTHY']);
});

test('an expired drill (its CLI died, the controller has not removed it yet) drains nothing', () => {
  const port = cart(drillAnnotations('drill-1', new Date(Date.now() - 1000)));
  assert.ok(port.endpoints.every((e) => e.healthy && !e.draining));
});

test('an unparsable drill time drains nothing', () => {
  const port = cart({ 'drill.meshbridge.io/until': 'tomorrow' });
  assert.ok(port.endpoints.every((e) => e.healthy && !e.draining));
});

const proxy = {
  type: 'sidecar' as const,
  id: 'sidecar~10.0.0.9~web-0.shop~shop.svc.cluster.local',
  ip: '10.0.0.9',
  podName: 'web-0',
  namespace: 'shop',
  locality: NO_LOCALITY,
  labels: {},
};
