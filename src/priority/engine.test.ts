// Table tests of the priority engine: every rule, with the cases of Istio's locality failover and failoverPriority
// documentation, and the reason each endpoint is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignPriorities,
  compactPriorities,
  decidePolicy,
  formatLocality,
  labelRank,
  localityRank,
  parseLocality,
  podLocality,
  reasonText,
  selectorMatches,
  isEndpointAddress,
  type Locality,
  type PriorityPolicy,
} from './index.js';

const L = (s: string): Locality => parseLocality(s);
const at = (s: string, labels: Record<string, string> = {}) => ({ locality: L(s), labels });
const policy = (p: Partial<PriorityPolicy>): PriorityPolicy => ({ failover: [], failoverPriority: [], ...p });

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

test("Istio's locality failover task: region1/zone1 client, failover region1 -> region2", () => {
  // istio.io tasks/traffic-management/locality-load-balancing/failover: P0 region1.zone1, (no subzone level),
  // region1.zone2, region2.zone3 (failover rule), region3.zone4 (no rule); compacted without the empty level.
  const got = assignPriorities(
    at('region1/zone1'),
    [at('region1/zone1'), at('region1/zone2'), at('region2/zone3'), at('region3/zone4')],
    policy({ failover: [{ from: 'region1', to: 'region2' }] }),
  );
  assert.deepEqual(
    got.map((p) => [p.rank, p.priority, reasonText(p.reason)]),
    [
      [0, 0, 'same region, zone and subzone'],
      [2, 1, 'same region, other zone'],
      [3, 2, 'failover from region1 to region2'],
      [4, 3, 'other region'],
    ],
  );
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

test('formatLocality drops empty trailing parts; parseLocality reads at most three parts of a bounded text', () => {
  assert.equal(formatLocality(L('eu-west-2/eu-west-2a')), 'eu-west-2/eu-west-2a');
  assert.equal(formatLocality(L('eu-remote-1')), 'eu-remote-1');
  assert.deepEqual(L('a/b/c/d'), { region: 'a', zone: 'b', subzone: 'c' });
  assert.equal(L(`${'r'.repeat(5000)}/z`).region.length, 1024);
});

test('priorities are compacted to 0..N with no gaps, keeping their order', () => {
  assert.deepEqual(compactPriorities([4, 0, 4, 2]), [2, 0, 2, 1]);
  assert.deepEqual(compactPriorities([4, 4]), [0, 0]);
  assert.deepEqual(compactPriorities([]), []);
});

test('remote entries in the same region and zone share priority 0 with local pods (the same-region caveat)', () => {
  const got = assignPriorities(at('eu-west-2/eu-west-2a'), [at('eu-west-2/eu-west-2a'), at('eu-west-1/x')], policy({}));
  assert.deepEqual(
    got.map((p) => p.priority),
    [0, 1],
  );
});

test("Istio's failoverPriority example: network, region, zone, subzone ranked by the longest matching prefix", () => {
  // istio.io DestinationRule reference, LocalityLoadBalancerSetting.failoverPriority: N labels give N+1 levels,
  // matching all is P0, only the first is P(N-1), none is P(N); the topology keys come from the locality.
  const fp = [
    'topology.istio.io/network',
    'topology.kubernetes.io/region',
    'topology.kubernetes.io/zone',
    'topology.istio.io/subzone',
  ];
  const net = (n: string) => ({ 'topology.istio.io/network': n });
  const client = at('r1/z1/s1', net('n1'));
  const table: [ReturnType<typeof at>, number, string][] = [
    [at('r1/z1/s1', net('n1')), 0, `matches failoverPriority labels ${fp.join(', ')}`],
    [at('r1/z1/s2', net('n1')), 1, `matches failoverPriority labels ${fp.slice(0, 3).join(', ')}, not ${fp[3]}`],
    [at('r1/z2/s1', net('n1')), 2, `matches failoverPriority labels ${fp.slice(0, 2).join(', ')}, not ${fp[2]}`],
    [at('r2/z1/s1', net('n1')), 3, `matches failoverPriority label ${fp[0]}, not ${fp[1]}`],
    [at('r1/z1/s1', net('n2')), 4, `matches no failoverPriority label (first: ${fp[0]})`],
  ];
  const got = assignPriorities(
    client,
    table.map(([e]) => e),
    policy({ failoverPriority: fp }),
  );
  table.forEach(([, rank, text], i) => {
    assert.equal(got[i]?.rank, rank, text);
    assert.equal(got[i]?.priority, rank, text);
    assert.equal(reasonText(got[i]!.reason), text);
  });
});

test('failoverPriority: a later label counts only after every earlier one matched', () => {
  const prio = ['topology.kubernetes.io/region', 'version'];
  const client = at('eu/a', { version: 'v1' });
  assert.equal(labelRank(prio, client, at('eu/b', { version: 'v1' })), 0);
  assert.equal(labelRank(prio, client, at('eu/b', { version: 'v2' })), 1);
  assert.equal(labelRank(prio, client, at('us/b', { version: 'v1' })), 2);
  // A label the client lacks never matches, even when the endpoint lacks it too.
  assert.equal(labelRank(['tier'], at('eu/a'), at('eu/a')), 1);
});

test("failoverPriority key=value compares the endpoint with the given value, not the client's (Istio 1.18+)", () => {
  const client = at('eu/a', { version: 'v1' });
  const got = assignPriorities(
    client,
    [at('eu/a', { version: 'v1' }), at('eu/a', { version: 'v2' })],
    policy({ failoverPriority: ['version=v2'] }),
  );
  assert.deepEqual(
    got.map((p) => [p.priority, reasonText(p.reason)]),
    [
      [1, 'matches no failoverPriority label (first: version=v2)'],
      [0, 'matches failoverPriority label version=v2'],
    ],
  );
});

test('topology labels come from the locality; a label of that key is used only when the locality part is unknown', () => {
  const region = 'topology.kubernetes.io/region';
  assert.equal(labelRank([region], at('eu/a'), at('eu/b', { [region]: 'us' })), 0);
  assert.equal(labelRank([region], at('', { [region]: 'eu' }), at('', { [region]: 'eu' })), 0);
  assert.equal(labelRank([region], at(''), at('')), 1);
});

test('with failoverPriority and failover rules, labels decide first and the locality rule breaks ties', () => {
  const client = at('eu/a', { tier: 'gold' });
  const endpoints = [at('eu/a', { tier: 'silver' }), at('us/a', { tier: 'gold' }), at('ap/a', { tier: 'gold' })];
  const got = assignPriorities(
    client,
    endpoints,
    policy({ failover: [{ from: 'eu', to: 'ap' }], failoverPriority: ['tier'] }),
  );
  assert.deepEqual(
    got.map((p) => [p.rank, p.priority, reasonText(p.reason)]),
    [
      [5, 2, 'matches no failoverPriority label (first: tier); then same region, zone and subzone'],
      [4, 1, 'matches failoverPriority label tier; then other region'],
      [3, 0, 'matches failoverPriority label tier; then failover from eu to ap'],
    ],
  );
});

test('priorities apply only with outlier detection and localityLbSetting not disabled, as in Istio', () => {
  const od = { consecutive5xxErrors: 5 };
  const table: [Parameters<typeof decidePolicy>, ReturnType<typeof decidePolicy>][] = [
    [[undefined, false], { on: false, off: 'no-destination-rule' }],
    [[{}, true], { on: false, off: 'no-outlier-detection' }],
    [
      [{ outlierDetection: od, loadBalancer: { localityLbSetting: { enabled: false } } }, true],
      { on: false, off: 'locality-lb-disabled' },
    ],
    [[{ outlierDetection: od }, true], { on: true, policy: { failover: [], failoverPriority: [] } }],
    [
      [
        {
          outlierDetection: od,
          loadBalancer: { localityLbSetting: { failover: [{ from: 'a', to: 'b' }], failoverPriority: ['x'] } },
        },
        true,
      ],
      { on: true, policy: { failover: [{ from: 'a', to: 'b' }], failoverPriority: ['x'] } },
    ],
  ];
  for (const [args, want] of table) assert.deepEqual(decidePolicy(...args), want, JSON.stringify(args));
});

test('when priorities are off every endpoint is P0 and says why', () => {
  const got = assignPriorities(at('eu/a'), [at('eu/a'), at('us/b')], 'no-outlier-detection');
  assert.deepEqual(
    got.map((p) => [p.priority, reasonText(p.reason)]),
    [
      [0, 'no locality priorities: the DestinationRule has no outlierDetection'],
      [0, 'no locality priorities: the DestinationRule has no outlierDetection'],
    ],
  );
});

test('candidates: a non-empty selector must match every label; only IP addresses are endpoints', () => {
  assert.equal(selectorMatches({ app: 'details' }, { app: 'details', version: 'v1' }), true);
  assert.equal(selectorMatches({ app: 'details', version: 'v2' }, { app: 'details', version: 'v1' }), false);
  assert.equal(selectorMatches({}, { app: 'details' }), false);
  assert.equal(selectorMatches(undefined, { app: 'details' }), false);
  assert.equal(isEndpointAddress('10.0.0.1'), true);
  assert.equal(isEndpointAddress('fd00::1'), true);
  assert.equal(isEndpointAddress('gw.example.com'), false);
  assert.equal(isEndpointAddress(''), false);
});

test('failoverOrder: own cluster first, then the listed clusters and localities in order, then the rest', () => {
  const client = at('eu-west-2/eu-west-2a');
  const from = (cluster: string, locality: string) => at(locality, { 'meshbridge.io/source-cluster': cluster });
  const endpoints = [
    from('cluster-2', 'eu-west-1/eu-west-1a'), // the region rules would put this first among the remotes
    from('cluster-3', 'us-east-1/us-east-1a'),
    from('cluster-4', 'ap-south-1/ap-south-1a'),
    at('eu-west-2/eu-west-2a'), // a local pod (no source cluster)
    from('cluster-5', 'eu-west-2/eu-west-2b'), // same region as the client: only the order decides
  ];
  const result = assignPriorities(
    client,
    endpoints,
    policy({ failoverOrder: ['cluster=cluster-3', 'locality=ap-south-1'] }),
  );
  assert.deepEqual(
    result.map((r) => r.priority),
    [4, 1, 2, 0, 3],
    'the local pod, cluster-3, ap-south-1, then the rest by the locality table (same region before other region)',
  );
  assert.equal(reasonText(result[1]!.reason), 'failover order 1 (cluster=cluster-3); then other region');
  assert.equal(reasonText(result[2]!.reason), 'failover order 2 (locality=ap-south-1); then other region');
  assert.equal(reasonText(result[0]!.reason), 'after the failover order; then other region');
  assert.equal(reasonText(result[3]!.reason), 'same region, zone and subzone');
  assert.equal(reasonText(result[4]!.reason), 'after the failover order; then same region, other zone');
  // Without the order the same endpoints follow the locality table: the same-region remote shares level 1.
  assert.deepEqual(
    assignPriorities(client, endpoints, policy({})).map((r) => r.priority),
    [2, 2, 2, 0, 1],
  );
});

test('decidePolicy carries a failoverOrder only when priorities apply', () => {
  const tp = { outlierDetection: {}, loadBalancer: { localityLbSetting: {} } };
  const on = decidePolicy(tp, true, { failoverOrder: ['cluster=c3'] });
  assert.deepEqual(on, { on: true, policy: { failover: [], failoverPriority: [], failoverOrder: ['cluster=c3'] } });
  assert.deepEqual(decidePolicy({}, true, { failoverOrder: ['cluster=c3'] }), {
    on: false,
    off: 'no-outlier-detection',
  });
});
