import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSnapshot } from '../snapshot.js';
import type { MeshObject } from '../inputs.js';
import { servicePorts } from './services.js';

const ns = (labels: Record<string, string>) => ({ kind: 'Namespace', metadata: { name: 'shop', labels } });
const svc = (name: string) => ({
  kind: 'Service',
  metadata: { name, namespace: 'shop' },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
});
const pod = (name: string, app: string, ip: string, ready = true) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app } },
  spec: { containers: [{ name: app, ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const snap = (objects: object[]) => createSnapshot(objects as MeshObject[]);
const byHost = (snapshot: ReturnType<typeof snap>) =>
  new Map(servicePorts(snapshot, { localOnly: false }).map((p) => [p.name, p]));

test('a pod change recomputes the ports of the service selecting it only; the others are the same objects', () => {
  const base = [ns({ 'istio-injection': 'enabled' }), svc('cart'), svc('web'), pod('web-0', 'web', '10.0.0.3')];
  const cartPod = pod('cart-0', 'cart', '10.0.0.2');
  const first = byHost(snap([...base, cartPod]));
  const second = byHost(snap([...base, cartPod, pod('cart-1', 'cart', '10.0.0.4', false)]));
  assert.equal(second.get('web'), first.get('web'), 'web is reused');
  assert.notEqual(second.get('cart'), first.get('cart'));
  assert.deepEqual(
    second.get('cart')?.endpoints.map((e) => [e.address, e.healthy]),
    [
      ['10.0.0.2', true],
      ['10.0.0.4', false],
    ],
  );
});

test('a namespace change (sidecar injection) recomputes every service', () => {
  const objects = [svc('cart'), svc('web'), pod('cart-0', 'cart', '10.0.0.2'), pod('web-0', 'web', '10.0.0.3')];
  const meshed = byHost(snap([ns({ 'istio-injection': 'enabled' }), ...objects]));
  const plain = byHost(snap([ns({}), ...objects]));
  for (const name of ['cart', 'web']) {
    assert.notEqual(plain.get(name), meshed.get(name), name);
    assert.notEqual(
      plain.get(name)?.endpoints[0]?.port,
      meshed.get(name)?.endpoints[0]?.port,
      `${name}: 15006 -> 8080`,
    );
  }
});
