import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { EXAMPLES } from '../../../test/support/paths.js';
import type { StoredObject } from '../store/types.js';
import { clusterInfoFor } from '../config.js';
import { ClusterStore } from '../store/cluster-store.js';
import { EXTERNAL_ADDRESSES, gatewayObjects, reconcileLoadBalancers } from './gateways.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));

function gateway(file: string): StoredObject {
  const gw = parse(readFileSync(join(EXAMPLES, file), 'utf8')) as StoredObject;
  return { ...gw, metadata: { ...gw.metadata, uid: 'gw-uid' } };
}

/** Compares with the golden file (`REFRESH_GOLDEN=1` rewrites it). */
function golden(name: string, actual: unknown): void {
  const file = join(GOLDEN, name);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.REFRESH_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `${name} differs from its golden file (REFRESH_GOLDEN=1 to accept)`);
}

test('the seed East-West gateway becomes a Deployment and a LoadBalancer Service on 15443 (golden)', () => {
  const out = gatewayObjects(gateway('eastwest-gateway.yaml'));
  assert.ok(!('error' in out));
  golden('eastwest-gateway.json', out);
  assert.equal((out.service.spec as { type: string }).type, 'LoadBalancer');
});

test('the locality overlay puts istio-locality on the gateway pods (golden)', () => {
  const out = gatewayObjects(gateway('eastwest-gateway-locality.yaml'));
  assert.ok(!('error' in out));
  golden('eastwest-gateway-locality.json', out);
  const labels = (out.deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template
    .metadata.labels;
  assert.equal(labels['istio-locality'], 'eu-remote-1');
  assert.equal(labels.istio, 'eastwestgateway');
  assert.equal(labels.app, 'eastwest-gateway');
});

test('an overlay that cannot apply is reported, not half-applied', () => {
  const gw = gateway('eastwest-gateway.yaml');
  const bad = {
    ...gw,
    spec: {
      eastWestOnly: true,
      kubeSpec: {
        overlays: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'eastwest-gateway',
            patches: [{ path: 'spec.template.spec.containers[name:nope].image', value: 'x' }],
          },
        ],
      },
    },
  };
  const out = gatewayObjects(bad);
  assert.ok('error' in out);
  assert.match(out.error, /containers\[name:nope\]|nope/);
});

test('load balancers get three loopback addresses per Service, or the addresses the annotation names', () => {
  const store = new ClusterStore({ file: ':memory:' });
  const info = clusterInfoFor({ name: 'c', region: 'r', zone: 'z' }, 1, { MESHBRIDGE_IP_BLOCK_BASE: '40' });
  const lb = (name: string, annotations?: Record<string, string>): StoredObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'n', ...(annotations ? { annotations } : {}) },
    spec: { type: 'LoadBalancer', ports: [{ port: 15443 }] },
  });
  const services = { group: '', plural: 'services' };
  store.create(services, lb('a'));
  store.create(services, lb('b'));
  store.create(services, lb('pinned', { [EXTERNAL_ADDRESSES]: '10.0.0.1, 10.0.0.2' }));
  store.create(services, { ...lb('plain'), spec: { ports: [{ port: 80 }] } });
  reconcileLoadBalancers(store, info);
  const ips = (name: string) =>
    (
      store.get(services, 'n', name)?.status as { loadBalancer?: { ingress: { ip: string }[] } } | undefined
    )?.loadBalancer?.ingress.map((i) => i.ip);
  assert.deepEqual(ips('a'), ['127.41.200.1', '127.41.200.2', '127.41.200.3']);
  assert.deepEqual(ips('b'), ['127.41.201.1', '127.41.201.2', '127.41.201.3']);
  assert.deepEqual(ips('pinned'), ['10.0.0.1', '10.0.0.2']);
  assert.equal(ips('plain'), undefined, 'ClusterIP services get no load balancer');
  const version = store.currentVersion();
  reconcileLoadBalancers(store, info);
  assert.equal(store.currentVersion(), version, 'a second pass writes nothing');
  store.close();
});
