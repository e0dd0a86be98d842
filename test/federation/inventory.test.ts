// Inventory and selection rules: what the plan reads from a cluster and from the configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInventory, parseExternalAddresses, type RawClusterObjects } from '../../src/federation/inventory.js';
import { matchesNamespacePattern, reachabilityOf, reaches, exposingItem } from '../../src/federation/selection.js';
import type { OrganizationSetting } from '../../src/federation/types.js';

const node = {
  metadata: { name: 'n1', labels: { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1' } },
};
const gw = (
  annotations?: Record<string, string>,
  ingress: { ip?: string; hostname?: string }[] = [],
): RawClusterObjects => ({
  namespaces: [{ metadata: { name: 'ns' } }],
  nodes: [node],
  pods: [
    {
      metadata: { name: 'gw-1', namespace: 'ns', labels: { app: 'gw', 'istio-locality': 'r9.z9' } },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running' },
    },
    {
      metadata: { name: 'gw-0', namespace: 'ns', labels: { app: 'gw' } },
      spec: { nodeName: 'n1' },
      status: { phase: 'Failed' },
    },
  ],
  services: [
    {
      metadata: { name: 'gw', namespace: 'ns', annotations },
      spec: { type: 'LoadBalancer', selector: { app: 'gw' } },
      status: { loadBalancer: { ingress } },
    },
  ],
  ingressGateways: [
    {
      metadata: { name: 'gw', namespace: 'ns' },
      spec: {
        eastWestOnly: true,
        kubeSpec: { service: { annotations: { 'xcp.tetrate.io/cluster-external-addresses': '9.9.9.9' } } },
      },
    },
  ],
});

test('a gateway advertises its load balancer addresses; hostnames stay names to resolve', () => {
  const inv = buildInventory({ cluster: 'c', objects: gw(undefined, [{ ip: '1.1.1.1' }, { hostname: 'lb.example' }]) });
  // The IngressGateway's kubeSpec annotation applies when the Service carries none.
  assert.deepEqual(inv.gateways[0]?.addresses, [{ type: 'ip', value: '9.9.9.9' }]);
  assert.equal(inv.gateways[0]?.addressSource, 'annotation');
  const objs = gw(undefined, [{ ip: '1.1.1.1' }, { hostname: 'lb.example' }]);
  objs.ingressGateways[0] = { metadata: { name: 'gw', namespace: 'ns' }, spec: { eastWestOnly: true } };
  const lb = buildInventory({ cluster: 'c', objects: objs });
  assert.deepEqual(lb.gateways[0]?.addresses, [
    { type: 'ip', value: '1.1.1.1' },
    { type: 'dns', value: 'lb.example' },
  ]);
  assert.equal(lb.gateways[0]?.addressSource, 'load-balancer');
});

test("the Service's external-addresses annotation overrides the load balancer", () => {
  const inv = buildInventory({
    cluster: 'c',
    objects: gw({ 'xcp.tetrate.io/cluster-external-addresses': '2.2.2.2, 3.3.3.3' }, [{ ip: '1.1.1.1' }]),
  });
  assert.deepEqual(
    inv.gateways[0]?.addresses.map((a) => a.value),
    ['2.2.2.2', '3.3.3.3'],
  );
});

test('gateway pods: finished pods are ignored and istio-locality wins over the node', () => {
  const inv = buildInventory({ cluster: 'c', objects: gw() });
  assert.deepEqual(
    inv.gateways[0]?.pods.map((p) => p.name),
    ['gw-1'],
  );
  assert.deepEqual(inv.gateways[0]?.pods[0]?.locality, { region: 'r9', zone: 'z9', subzone: '' });
  assert.deepEqual(inv.locality, { region: 'r1', zone: 'z1', subzone: '' });
  assert.equal(inv.services[0]?.gateway, true);
});

test('the external-addresses annotation takes one IP, several, or one DNS name', () => {
  assert.deepEqual(parseExternalAddresses('1.2.3.4'), [{ type: 'ip', value: '1.2.3.4' }]);
  assert.deepEqual(parseExternalAddresses('1.2.3.4,5.6.7.8'), [
    { type: 'ip', value: '1.2.3.4' },
    { type: 'ip', value: '5.6.7.8' },
  ]);
  assert.deepEqual(parseExternalAddresses('ew.example.com'), [{ type: 'dns', value: 'ew.example.com' }]);
});

test('workspace patterns select cluster/namespace pairs with * wildcards', () => {
  assert.ok(matchesNamespacePattern('*/bookinfo', 'cluster-1', 'bookinfo'));
  assert.ok(matchesNamespacePattern('cluster-1/*', 'cluster-1', 'anything'));
  assert.ok(matchesNamespacePattern('*/*', 'c', 'n'));
  assert.ok(matchesNamespacePattern('c1/ns*', 'c1', 'ns-a'));
  assert.ok(!matchesNamespacePattern('c1/ns*', 'c2', 'ns-a'));
  assert.ok(!matchesNamespacePattern('cluster-1/bookinfo', 'cluster-1', 'bookinfo2'));
  assert.ok(matchesNamespacePattern('bookinfo', 'any', 'bookinfo'));
});

test('reachability is directed; none configured reaches all; same network always reaches', () => {
  assert.equal(reaches(reachabilityOf([]), 'a', 'b'), true);
  const os = {
    metadata: { name: 'x' },
    spec: { networkSettings: { networkReachability: { a: 'b, c' } } },
  } as unknown as OrganizationSetting;
  const rules = reachabilityOf([os]);
  assert.equal(reaches(rules, 'a', 'b'), true);
  assert.equal(reaches(rules, 'a', 'c'), true);
  assert.equal(reaches(rules, 'b', 'a'), false);
  assert.equal(reaches(rules, 'b', 'b'), true);
});

test('exposedServices: the first matching item wins and an item without it exposes everything', () => {
  const items = [
    {
      workloadSelector: { namespace: 'n', labels: { app: 'g1' } },
      exposedServices: [{ serviceLabels: { tier: 'gold' } }],
    },
    { workloadSelector: { namespace: 'n', labels: { app: 'g2' } } },
  ];
  assert.equal(exposingItem(items, { tier: 'gold' })?.index, 0);
  assert.equal(exposingItem(items, { tier: 'silver' })?.index, 1);
  assert.equal(exposingItem(items.slice(0, 1), { tier: 'silver' }), undefined);
});

test('during a rollout the newest ready gateway pod gives the locality (Running, no Ready condition: ready)', () => {
  const objs = gw();
  objs.pods = [
    {
      metadata: { name: 'gw-a', namespace: 'ns', labels: { app: 'gw' }, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running' },
    },
    {
      metadata: {
        name: 'gw-b',
        namespace: 'ns',
        labels: { app: 'gw', 'istio-locality': 'eu-remote-1' },
        creationTimestamp: '2026-01-01T00:05:00Z',
      },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running' },
    },
  ];
  const inv = buildInventory({ cluster: 'c', objects: objs });
  assert.equal(inv.gateways[0]?.pods[0]?.locality.region, 'eu-remote-1');
});
