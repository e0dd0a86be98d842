// The federation reads an East-West gateway's locality from its ready pods only, and says when they disagree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeDisagreement, gatewayLocality } from '../../src/federation/gateway-locality.js';
import { buildInventory, type RawClusterObjects } from '../../src/federation/inventory.js';
import { statusReports } from '../../src/federation/status-report.js';
import { selectGateway } from '../../src/federation/targets.js';
import type { Cluster } from '../../src/federation/types.js';

const L = (region: string, zone = '', subzone = ''): { region: string; zone: string; subzone: string } => ({
  region,
  zone,
  subzone,
});
const fallback = L('cluster-region', 'cluster-zone');

test('the gateway locality rule, case by case', () => {
  const cases: {
    name: string;
    pods: Parameters<typeof gatewayLocality>[0];
    want: ReturnType<typeof gatewayLocality>;
  }[] = [
    { name: 'no pod: the cluster locality', pods: [], want: { locality: fallback, source: 'fallback' } },
    {
      name: 'no ready pod: the cluster locality, even when a newer pod names another',
      pods: [{ name: 'new', ready: false, created: '2026-01-02T00:00:00Z', locality: L('eu-remote-1') }],
      want: { locality: fallback, source: 'fallback' },
    },
    {
      name: 'a new pod in a crash loop does not move the locality of the ready old one',
      pods: [
        { name: 'old', ready: true, created: '2026-01-01T00:00:00Z', locality: L('eu-west-1', 'eu-west-1a') },
        { name: 'new', ready: false, created: '2026-01-02T00:00:00Z', locality: L('eu-remote-1') },
      ],
      want: { locality: L('eu-west-1', 'eu-west-1a'), source: 'ready-pod' },
    },
    {
      name: 'mid-rollout, both ready: the newest ready pod wins and the disagreement is reported',
      pods: [
        { name: 'old', ready: true, created: '2026-01-01T00:00:00Z', locality: L('eu-west-1', 'eu-west-1a') },
        { name: 'new', ready: true, created: '2026-01-02T00:00:00Z', locality: L('eu-remote-1') },
      ],
      want: {
        locality: L('eu-remote-1'),
        source: 'ready-pod',
        disagreement: [
          { locality: 'eu-remote-1', pods: ['new'] },
          { locality: 'eu-west-1/eu-west-1a', pods: ['old'] },
        ],
      },
    },
    {
      name: 'replicas that agree: no disagreement',
      pods: [
        { name: 'b', ready: true, created: '2026-01-01T00:00:00Z', locality: L('r', 'z') },
        { name: 'a', ready: true, created: '2026-01-01T00:00:00Z', locality: L('r', 'z') },
      ],
      want: { locality: L('r', 'z'), source: 'ready-pod' },
    },
  ];
  for (const c of cases) assert.deepEqual(gatewayLocality(c.pods, fallback), c.want, c.name);
  assert.equal(describeDisagreement('ns/gw', gatewayLocality(cases[1]?.pods ?? [], fallback)), undefined);
  assert.equal(
    describeDisagreement('ns/gw', gatewayLocality(cases[3]?.pods ?? [], fallback)),
    "ns/gw: ready pods disagree on locality (eu-remote-1: new; eu-west-1/eu-west-1a: old); entries use eu-remote-1, the newest ready pod's",
  );
});

const node = {
  metadata: { name: 'n1', labels: { 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z1' } },
};
function objects(newReady: boolean): RawClusterObjects {
  return {
    namespaces: [{ metadata: { name: 'ns' } }],
    nodes: [node],
    pods: [
      {
        metadata: { name: 'gw-old', namespace: 'ns', labels: { app: 'gw' }, creationTimestamp: '2026-01-01T00:00:00Z' },
        spec: { nodeName: 'n1' },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      },
      {
        metadata: {
          name: 'gw-new',
          namespace: 'ns',
          labels: { app: 'gw', 'istio-locality': 'eu-remote-1' },
          creationTimestamp: '2026-01-01T00:05:00Z',
        },
        spec: { nodeName: 'n1' },
        status: newReady
          ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }
          : { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
      },
    ],
    services: [
      {
        metadata: { name: 'gw', namespace: 'ns' },
        spec: { type: 'LoadBalancer', selector: { app: 'gw' } },
        status: { loadBalancer: { ingress: [{ ip: '127.2.200.1' }] } },
      },
    ],
    ingressGateways: [{ metadata: { name: 'gw', namespace: 'ns' }, spec: { eastWestOnly: true } }],
  };
}

test('a gateway pod that is not ready does not give the entries their locality (inventory to selection)', () => {
  const inv = buildInventory({ cluster: 'c', objects: objects(false) });
  const g = inv.gateways[0];
  assert.ok(g);
  assert.deepEqual(
    g.pods.map((p) => [p.name, p.ready]),
    [
      ['gw-old', true],
      ['gw-new', false],
    ],
  );
  assert.deepEqual(selectGateway(g, inv.locality, {}).locality, L('r1', 'z1'));
  const ready = buildInventory({ cluster: 'c', objects: objects(true) }).gateways[0];
  assert.ok(ready);
  assert.deepEqual(selectGateway(ready, inv.locality, {}).locality, L('eu-remote-1'));
});

test('the cluster status says when ready gateway pods disagree, without failing', () => {
  const cluster = { metadata: { name: 'c', organization: 'o' }, spec: {} } as unknown as Cluster;
  const report = (newReady: boolean): { state: string; message: string } | undefined => {
    const inv = buildInventory({ cluster: 'c', objects: objects(newReady) });
    const reports = statusReports({
      result: {
        plan: { clusters: { c: [] }, decisions: [], warnings: [] },
        inventories: [inv],
        applied: {},
        unsynced: [],
      },
      clusters: [cluster],
      settings: [],
    });
    return reports.find((r) => r.kind === 'Cluster')?.clusters.c;
  };
  const agreeing = report(false);
  assert.equal(agreeing?.state, 'READY');
  assert.doesNotMatch(agreeing?.message ?? '', /disagree/);
  const disagreeing = report(true);
  assert.equal(disagreeing?.state, 'READY', 'a disagreement is reported, not a failure');
  assert.match(
    disagreeing?.message ?? '',
    /ns\/gw: ready pods disagree on locality \(eu-remote-1: gw-new; r1\/z1: gw-old\)/,
  );
});
