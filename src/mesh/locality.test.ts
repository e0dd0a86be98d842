import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignPriorities,
  compactPriorities,
  formatLocality,
  labelRank,
  localityRank,
  parseLocality,
  podLocality,
  type Locality,
} from './locality.js';

const L = (s: string): Locality => parseLocality(s);
const at = (s: string, labels: Record<string, string> = {}) => ({ locality: L(s), labels });

test('the locality rank table of SEMANTICS section 4', () => {
  const client = L('eu-west-2/eu-west-2a/sz1');
  const failover = [{ from: 'eu-west-2', to: 'eu-west-1' }];
  const table: [string, number][] = [
    ['eu-west-2/eu-west-2a/sz1', 0],
    ['eu-west-2/eu-west-2a/sz2', 1],
    ['eu-west-2/eu-west-2b/sz1', 2],
    ['eu-west-1/eu-west-1a', 3],
    ['us-east-1/us-east-1a', 4],
    ['eu-remote-1', 4],
  ];
  for (const [endpoint, want] of table) {
    assert.equal(localityRank(client, L(endpoint), failover), want, endpoint);
  }
});

test('a failover rule only counts when it starts at the client region', () => {
  assert.equal(localityRank(L('us-east-1/a'), L('eu-west-1/a'), [{ from: 'eu-west-2', to: 'eu-west-1' }]), 4);
});

test('the istio-locality pod label wins over the node labels and is dot separated', () => {
  const node = { 'topology.kubernetes.io/region': 'eu-west-2', 'topology.kubernetes.io/zone': 'eu-west-2a' };
  assert.deepEqual(podLocality({ 'istio-locality': 'eu-remote-1' }, node), {
    region: 'eu-remote-1',
    zone: '',
    subzone: '',
  });
  assert.deepEqual(podLocality({ 'istio-locality': 'r.z.sz' }, node), { region: 'r', zone: 'z', subzone: 'sz' });
  assert.deepEqual(podLocality({ app: 'x' }, node), { region: 'eu-west-2', zone: 'eu-west-2a', subzone: '' });
});

test('formatLocality drops empty trailing parts', () => {
  assert.equal(formatLocality(L('eu-west-2/eu-west-2a')), 'eu-west-2/eu-west-2a');
  assert.equal(formatLocality(L('eu-remote-1')), 'eu-remote-1');
});

test('priorities are compacted to 0..N with no gaps, keeping their order', () => {
  assert.deepEqual(compactPriorities([4, 0, 4, 2]), [2, 0, 2, 1]);
  assert.deepEqual(compactPriorities([4, 4]), [0, 0]);
  assert.deepEqual(compactPriorities([]), []);
});

test('remote entries in another region become P1 when the only other level is P0', () => {
  const client = at('eu-west-2/eu-west-2a');
  const got = assignPriorities(client, [at('eu-west-2/eu-west-2a'), at('eu-west-1/eu-west-1a')], {
    failover: [],
    failoverPriority: [],
  });
  assert.deepEqual(got, [0, 1]);
});

test('remote entries in the same region and zone share priority 0 with local pods (the same-region caveat)', () => {
  const got = assignPriorities(at('eu-west-2/eu-west-2a'), [at('eu-west-2/eu-west-2a'), at('eu-west-2/eu-west-2a')], {
    failover: [],
    failoverPriority: [],
  });
  assert.deepEqual(got, [0, 0]);
});

test('failoverPriority ranks by the longest matching label prefix, topology labels from the locality', () => {
  const prio = ['topology.kubernetes.io/region', 'version'];
  const client = at('eu/a', { version: 'v1' });
  assert.equal(labelRank(prio, client, at('eu/b', { version: 'v1' })), 0);
  assert.equal(labelRank(prio, client, at('eu/b', { version: 'v2' })), 1);
  assert.equal(labelRank(prio, client, at('us/b', { version: 'v1' })), 2);
  const got = assignPriorities(client, [at('us/a', { version: 'v1' }), at('eu/c', { version: 'v2' })], {
    failover: [],
    failoverPriority: prio,
  });
  assert.deepEqual(got, [1, 0]);
});

test('with failoverPriority and failover rules, labels decide first and locality breaks ties', () => {
  const client = at('eu/a', { tier: 'gold' });
  const endpoints = [at('eu/a', { tier: 'silver' }), at('us/a', { tier: 'gold' }), at('ap/a', { tier: 'gold' })];
  const got = assignPriorities(client, endpoints, {
    failover: [{ from: 'eu', to: 'ap' }],
    failoverPriority: ['tier'],
  });
  assert.deepEqual(got, [2, 1, 0]);
});
