// Property: for generated topologies (nodes over regions/zones/subzones, pods with and without istio-locality,
// WorkloadEntries the Service selects or not, DestinationRules with and without outlier detection, failover rules
// and failoverPriority), `explain failover` gives every endpoint the priority the mesh's EDS gives it for the same
// client. Both sides run for real on the same objects: the mesh translation on a snapshot of them, explain on the
// federation's inventory of them and the entries and rule as the plan would hand them over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSnapshot } from '../../src/mesh/snapshot.js';
import { proxyFromNode } from '../../src/mesh/proxy.js';
import { translate } from '../../src/mesh/translate/index.js';
import type { MeshObject } from '../../src/mesh/inputs.js';
import { inventoryOfMeshObjects } from './support/mesh-inventory.js';
import { explainFailover } from '../../src/federation/explain.js';
import type { GeneratedObject } from '../../src/federation/types.js';

const REGIONS = ['r1', 'r2', 'r3'];
const ZONES = ['za', 'zb'];
const SUBZONES = ['', 's1', 's2'];
const PRIORITY_LABELS = [
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
  'tier',
  'tier=gold',
];
const NS = 'bookinfo';
const CLUSTER = 'cluster-1';
const CLUSTER_NAME = `outbound|9080||details.${NS}.svc.cluster.local`;

const tier = fc.constantFrom<string | undefined>(undefined, 'gold', 'silver');
const locality = fc.record({
  region: fc.constantFrom(...REGIONS),
  zone: fc.constantFrom(...ZONES),
  subzone: fc.constantFrom(...SUBZONES),
});
/** An `istio-locality` label value (dot separated), sometimes region only as the seed's gateways use. */
const istioLocality = fc.option(
  fc.oneof(
    fc.constantFrom(...REGIONS, 'remote-1'),
    locality.map((l) => [l.region, l.zone, l.subzone].join('.').replace(/\.+$/, '')),
  ),
  { nil: undefined },
);

const workload = fc.record({
  node: fc.nat({ max: 3 }),
  istioLocality,
  tier,
  phase: fc.constantFrom('Running', 'Running', 'Running', 'Pending'),
  ready: fc.boolean(),
});

const entry = fc.record({
  selected: fc.constantFrom('details', 'details', 'details', 'other'),
  namespace: fc.constantFrom(NS, NS, NS, 'elsewhere'),
  locality: fc.option(locality, { nil: undefined }),
  tier,
  dns: fc.constantFrom(false, false, false, false, true),
  weight: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  /** The cluster the entry came from (the federation's label); none: an entry the user wrote, a local one. */
  source: fc.constantFrom<string | undefined>('cluster-2', 'cluster-2', 'cluster-3', undefined),
});

const rule = fc.option(
  fc.record({
    host: fc.constantFrom('details', `details.${NS}.svc.cluster.local`, `*.${NS}.svc.cluster.local`),
    outlierDetection: fc.constantFrom(true, true, true, false),
    enabled: fc.constantFrom<boolean | undefined>(undefined, true, false),
    failover: fc.uniqueArray(
      fc.record({ from: fc.constantFrom(...REGIONS), to: fc.constantFrom(...REGIONS, 'remote-1') }),
      { maxLength: 3, selector: (r) => `${r.from}>${r.to}` },
    ),
    failoverPriority: fc.oneof(
      fc.constant([] as string[]),
      fc.uniqueArray(fc.constantFrom(...PRIORITY_LABELS), { minLength: 1, maxLength: 4 }),
    ),
    /** A FailoverPolicy's failoverOrder, as the federation writes it (an annotation on the rule). */
    failoverOrder: fc.oneof(
      fc.constant([] as string[]),
      fc.uniqueArray(
        fc.constantFrom('cluster=cluster-3', 'cluster=cluster-2', ...REGIONS.map((r) => `locality=${r}`)),
        { minLength: 1, maxLength: 3 },
      ),
    ),
  }),
  { nil: undefined },
);

const topology = fc.record({
  nodes: fc.array(locality, { minLength: 1, maxLength: 4 }),
  pods: fc.array(workload, { maxLength: 5 }),
  client: fc.record({ node: fc.nat({ max: 3 }), istioLocality, tier }),
  entries: fc.array(entry, { maxLength: 5 }),
  rule,
});
type Topology = typeof topology extends fc.Arbitrary<infer T> ? T : never;

const nodeLabels = (l: { region: string; zone: string; subzone: string }): Record<string, string> => ({
  'topology.kubernetes.io/region': l.region,
  'topology.kubernetes.io/zone': l.zone,
  ...(l.subzone ? { 'topology.istio.io/subzone': l.subzone } : {}),
});

function withOptional(labels: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The cluster's objects, and the generated ones (entries, rule) as the plan hands them to explain. */
function objectsOf(t: Topology): { cluster: MeshObject[]; generated: GeneratedObject[]; clientIp: string } {
  const nodes = t.nodes.map((l, i) => ({
    apiVersion: 'v1' as const,
    kind: 'Node' as const,
    metadata: { name: `node-${i}`, labels: nodeLabels(l) },
  }));
  const nodeName = (i: number): string => `node-${i % t.nodes.length}`;
  const pods = t.pods.map((p, i) => ({
    apiVersion: 'v1' as const,
    kind: 'Pod' as const,
    metadata: {
      name: `details-${i}`,
      namespace: NS,
      labels: withOptional({ app: 'details', tier: p.tier, 'istio-locality': p.istioLocality }),
    },
    spec: {
      nodeName: nodeName(p.node),
      containers: [{ name: 'app', image: 'details', ports: [{ containerPort: 9080 }] }],
    },
    status:
      p.phase === 'Running'
        ? {
            phase: 'Running',
            podIP: `10.1.0.${i + 1}`,
            conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }],
          }
        : { phase: 'Pending' },
  }));
  const clientIp = '10.1.1.1';
  const client = {
    apiVersion: 'v1' as const,
    kind: 'Pod' as const,
    metadata: {
      name: 'sleep-0',
      namespace: NS,
      labels: withOptional({ app: 'sleep', tier: t.client.tier, 'istio-locality': t.client.istioLocality }),
    },
    spec: { nodeName: nodeName(t.client.node), containers: [{ name: 'sleep', image: 'sleep' }] },
    status: { phase: 'Running', podIP: clientIp, conditions: [{ type: 'Ready', status: 'True' }] },
  };
  const service = (name: string) => ({
    apiVersion: 'v1' as const,
    kind: 'Service' as const,
    metadata: { name, namespace: NS },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080, targetPort: 9080 }] },
  });
  const entries: GeneratedObject[] = t.entries.map((e, i) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    // Names say nothing: the Service's selector decides which entries are its endpoints.
    metadata: { name: `entry-${i}`, namespace: e.namespace, labels: { 'meshbridge.io/source-cluster': 'cluster-2' } },
    spec: {
      address: e.dns ? `gw-${i}.example.com` : `10.2.0.${i + 1}`,
      ports: { http: 15443 },
      labels: withOptional({
        app: e.selected,
        tier: e.tier,
        'security.istio.io/tlsMode': 'istio',
        'meshbridge.io/source-cluster': e.source,
      }),
      ...(e.locality ? { locality: [e.locality.region, e.locality.zone, e.locality.subzone].join('/') } : {}),
      ...(e.weight ? { weight: e.weight } : {}),
    },
  }));
  const generated: GeneratedObject[] = [...entries];
  if (t.rule) {
    const r = t.rule;
    generated.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {
        name: 'details',
        namespace: NS,
        labels: {},
        ...(r.failoverOrder.length
          ? { annotations: { 'failover.meshbridge.io/order': r.failoverOrder.join(',') } }
          : {}),
      },
      spec: {
        host: r.host,
        trafficPolicy: {
          loadBalancer: {
            localityLbSetting: {
              ...(r.enabled === undefined ? {} : { enabled: r.enabled }),
              ...(r.failover.length ? { failover: r.failover } : {}),
              ...(r.failoverPriority.length ? { failoverPriority: r.failoverPriority } : {}),
            },
          },
          ...(r.outlierDetection ? { outlierDetection: { consecutive5xxErrors: 5, interval: '1s' } } : {}),
        },
      },
    });
  }
  const cluster = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    ...nodes,
    ...pods,
    client,
    service('details'),
    service('sleep'),
    ...(generated as unknown as MeshObject[]),
  ] as MeshObject[];
  return { cluster, generated, clientIp };
}

/** What the mesh sends the client's sidecar: endpoint IP -> priority, for details' outbound cluster. */
function edsPriorities(objects: MeshObject[], clientIp: string): Map<string, number> {
  const snapshot = createSnapshot(objects);
  const proxy = proxyFromNode({ id: `sidecar~${clientIp}~sleep-0.${NS}~${NS}.svc.cluster.local` }, snapshot);
  const out = translate(snapshot, proxy);
  const cla = out.endpoints.find((e) => e['cluster_name'] === CLUSTER_NAME);
  assert.ok(cla, `the mesh sends an assignment for ${CLUSTER_NAME}`);
  const got = new Map<string, number>();
  for (const group of cla['endpoints'] as { priority: number; lb_endpoints: { endpoint: unknown }[] }[]) {
    for (const lb of group.lb_endpoints) {
      const ip = (lb.endpoint as { address: { socket_address: { address: string } } }).address.socket_address.address;
      got.set(ip, group.priority);
    }
  }
  return got;
}

/** What explain says for the same client: endpoint IP -> priority. */
function explainPriorities(objects: MeshObject[], generated: GeneratedObject[]): Map<string, number> {
  const inventory = inventoryOfMeshObjects(objects, CLUSTER);
  const sleep = inventory.services.find((s) => s.name === 'sleep')?.workloads[0];
  assert.ok(sleep, 'the inventory knows the client pod');
  const report = explainFailover({
    service: 'details',
    namespace: NS,
    from: CLUSTER,
    config: { workspaces: [], workspaceSettings: [], organizationSettings: [], clusters: [] },
    inventories: [inventory],
    plan: { clusters: { [CLUSTER]: generated }, decisions: [], warnings: [] },
    client: { namespace: NS, labels: sleep.labels, locality: sleep.locality },
  });
  return new Map(report.endpoints.map((e) => [e.address.split(':')[0] ?? '', e.priority]));
}

test('explain gives every endpoint the priority the mesh sends in EDS, over 400 generated topologies', () => {
  fc.assert(
    fc.property(topology, (t) => {
      const { cluster, generated, clientIp } = objectsOf(t);
      const eds = edsPriorities(cluster, clientIp);
      const explained = explainPriorities(cluster, generated);
      assert.deepEqual(
        [...explained.entries()].sort(),
        [...eds.entries()].sort(),
        'explain and EDS: the same endpoints at the same priorities',
      );
    }),
    { numRuns: 400, seed: 1313 },
  );
});

test('the generator reaches the cases that matter (else the property above proves little)', () => {
  const seen = { failoverPriority: 0, failoverRule: 0, failoverOrder: 0, off: 0, unselected: 0, dns: 0, levels3: 0 };
  for (const t of fc.sample(topology, { numRuns: 400, seed: 1313 })) {
    if (t.rule?.failoverPriority.length && t.rule.outlierDetection) seen.failoverPriority += 1;
    if (t.rule?.failover.length && t.rule.outlierDetection) seen.failoverRule += 1;
    if (t.rule?.failoverOrder.length && t.rule.outlierDetection) seen.failoverOrder += 1;
    if (!t.rule || !t.rule.outlierDetection || t.rule.enabled === false) seen.off += 1;
    if (t.entries.some((e) => e.selected !== 'details' || e.namespace !== NS)) seen.unselected += 1;
    if (t.entries.some((e) => e.dns)) seen.dns += 1;
    const { cluster, clientIp } = objectsOf(t);
    if (new Set(edsPriorities(cluster, clientIp).values()).size >= 3) seen.levels3 += 1;
  }
  for (const [what, n] of Object.entries(seen)) assert.ok(n >= 20, `${what}: only ${n} of 400 topologies`);
});
