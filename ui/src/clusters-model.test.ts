import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterRows, sharedRegionWarnings } from './clusters-model.js';
import type { ClusterInventory, TsbObject } from './wire.js';

const cluster = (name: string, region: string, zone: string): TsbObject => ({
  apiVersion: 'api.tsb.tetrate.io/v2',
  kind: 'Cluster',
  metadata: { organization: 'tetrate', name },
  spec: { network: `${name}-network`, locality: { region, zone }, trustDomain: `${name}.local` },
});

const inventory = (name: string, extra: Partial<ClusterInventory> = {}): ClusterInventory => ({
  name,
  gateways: [{ namespace: 'bookinfo', name: 'eastwest-gateway', addresses: ['127.2.200.2', '127.2.200.1'] }],
  services: [{ namespace: 'bookinfo', name: 'details', readyEndpoints: 1 }],
  workloadEntries: [],
  reachable: true,
  ...extra,
});

test('merges Cluster objects with what each cluster reports', () => {
  const rows = clusterRows(
    [cluster('cluster-1', 'eu-west-2', 'eu-west-2a'), cluster('cluster-2', 'eu-west-1', 'eu-west-1a')],
    [inventory('cluster-2'), inventory('cluster-3', { region: 'us-east-1', reachable: false })],
  );
  assert.deepEqual(
    rows.map((r) => [r.name, r.region, r.zone, r.network, r.trustDomain, r.gatewayAddresses.join(' '), r.health]),
    [
      ['cluster-1', 'eu-west-2', 'eu-west-2a', 'cluster-1-network', 'cluster-1.local', '', 'unknown'],
      ['cluster-2', 'eu-west-1', 'eu-west-1a', 'cluster-2-network', 'cluster-2.local', '127.2.200.1 127.2.200.2', 'ok'],
      ['cluster-3', 'us-east-1', '', '', '', '127.2.200.1 127.2.200.2', 'unreachable'],
    ],
  );
  assert.deepEqual(sharedRegionWarnings(rows), []);
});

test('warns once per region shared by two clusters, naming them', () => {
  const rows = clusterRows([cluster('cluster-1', 'eu-west-1', 'a'), cluster('cluster-2', 'eu-west-1', 'b')], []);
  const w = sharedRegionWarnings(rows);
  assert.equal(w.length, 1);
  assert.match(w[0]!, /^cluster-1 and cluster-2 share region eu-west-1: /);
});
