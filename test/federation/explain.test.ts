// `explain failover` answers from a plan: priority table, targets, reasons for non-targets, same-region caveat.
// Text goldens live in golden/explain-<case>.txt (`REFRESH_GOLDEN=1` rewrites them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCase } from './support/cases.js';
import { plan } from '../../src/federation/plan.js';
import { explainFailover, formatExplain, type ExplainReport } from '../../src/federation/explain.js';
import { clientOf, ExplainClientError } from '../../src/federation/explain-client.js';
import type { GeneratedObject } from '../../src/federation/types.js';

const CASES = new URL('./plan-cases/', import.meta.url).pathname;
const GOLDEN = new URL('./golden/', import.meta.url).pathname;

function explainCase(name: string, from = 'cluster-1', service = 'details'): ExplainReport {
  const { expanded } = loadCase(join(CASES, `${name}.yaml`));
  const out = plan({ config: expanded.config, inventories: expanded.inventories, resolved: expanded.resolved });
  return explainFailover({
    service,
    namespace: 'bookinfo',
    from,
    config: expanded.config,
    inventories: expanded.inventories,
    plan: out,
  });
}

function golden(name: string, text: string): void {
  const file = join(GOLDEN, `explain-${name}.txt`);
  if (process.env.REFRESH_GOLDEN === '1' || !existsSync(file)) {
    writeFileSync(file, text);
    if (process.env.REFRESH_GOLDEN !== '1') assert.fail(`wrote missing golden ${file}; review it and re-run`);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'));
}

test('in the seed, cluster-1 keeps its own details pod at P0 and cluster-2 entries at P1', () => {
  const r = explainCase('two-clusters-seed');
  assert.deepEqual(
    r.endpoints.map((e) => [e.cluster, e.kind, e.priority]),
    [
      ['cluster-1', 'pod', 0],
      ['cluster-2', 'WorkloadEntry', 1],
      ['cluster-2', 'WorkloadEntry', 1],
      ['cluster-2', 'WorkloadEntry', 1],
    ],
  );
  assert.deepEqual(
    r.targets.map((t) => t.cluster),
    ['cluster-2'],
  );
  assert.deepEqual(r.warnings, []);
  golden('two-clusters-seed', formatExplain(r));
});

test('same region: cluster-2 entries share P0 with local pods and explain warns with the istio-locality fix', () => {
  const r = explainCase('same-region');
  assert.ok(r.endpoints.every((e) => e.priority === 0));
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0] ?? '', /istio-locality/);
  golden('same-region', formatExplain(r));
});

test('with the istio-locality overlay the remote entries fall behind the local pods and the warning is gone', () => {
  const r = explainCase('istio-locality-override');
  assert.deepEqual([...new Set(r.endpoints.filter((e) => e.kind === 'pod').map((e) => e.priority))], [0]);
  assert.deepEqual([...new Set(r.endpoints.filter((e) => e.kind !== 'pod').map((e) => e.priority))], [1]);
  assert.deepEqual(r.warnings, []);
});

test('without cluster-1-network -> cluster-2-network, explain says cluster-2 is not reachable', () => {
  const r = explainCase('reachability-one-way');
  assert.deepEqual(r.targets, []);
  assert.deepEqual(
    r.notTargets.map((t) => [t.cluster, t.reason]),
    [['cluster-2', 'not-reachable']],
  );
  const text = formatExplain(r);
  assert.match(text, /cluster-2: not-reachable: network cluster-1-network \(cluster-1\) may not reach/);
  golden('reachability-one-way', text);
});

test('a service cluster-1 does not run is served by ServiceEntry endpoints, and explain says so', () => {
  const r = explainCase('service-not-local');
  assert.ok(r.endpoints.length === 2 && r.endpoints.every((e) => e.kind === 'ServiceEntry endpoint'));
  assert.match(r.warnings.join('\n'), /does not run bookinfo\/details/);
});

test('three clusters: each remote cluster is its own priority level, by region distance', () => {
  const r = explainCase('three-clusters');
  assert.deepEqual(
    [...new Set(r.endpoints.map((e) => `${e.cluster}:P${e.priority}`))],
    ['cluster-1:P0', 'cluster-2:P1', 'cluster-3:P1'],
  );
});

test('--client ranks for one pod: its labels meet failoverPriority, and an unknown pod is refused with MB7006', () => {
  const { expanded } = loadCase(join(CASES, 'two-clusters-seed.yaml'));
  const out = plan({ config: expanded.config, inventories: expanded.inventories, resolved: expanded.resolved });
  const inv = expanded.inventories.find((i) => i.cluster === 'cluster-1');
  const pod = inv?.services.find((s) => s.name === 'productpage')?.workloads[0];
  assert.ok(pod, 'the seed runs productpage in cluster-1');
  const client = clientOf(inv, `bookinfo/${pod.pod}`);
  assert.deepEqual(client, { namespace: 'bookinfo', labels: pod.labels, locality: pod.locality });
  // A failoverPriority on a label only cluster-1's pods share with the client puts them first, others after.
  const withPriority = withFailoverPriority(out, ['topology.kubernetes.io/zone']);
  const r = explainFailover({
    service: 'details',
    namespace: 'bookinfo',
    from: 'cluster-1',
    config: expanded.config,
    inventories: expanded.inventories,
    plan: withPriority,
    client,
  });
  assert.deepEqual(
    r.endpoints.map((e) => [e.kind, e.priority, e.why, e.reason]),
    [
      ['pod', 0, 'failover-priority', 'matches failoverPriority label topology.kubernetes.io/zone'],
      [
        'WorkloadEntry',
        1,
        'failover-priority',
        'matches no failoverPriority label (first: topology.kubernetes.io/zone)',
      ],
      [
        'WorkloadEntry',
        1,
        'failover-priority',
        'matches no failoverPriority label (first: topology.kubernetes.io/zone)',
      ],
      [
        'WorkloadEntry',
        1,
        'failover-priority',
        'matches no failoverPriority label (first: topology.kubernetes.io/zone)',
      ],
    ],
  );
  assert.deepEqual(
    r.warnings.filter((w) => /share its traffic/.test(w)),
    [],
  );
  // A label every endpoint has (`app=details`: the entries carry the Service's selector) puts all on one level,
  // and explain warns that cluster-2 shares the local pods' traffic.
  const shared = explainFailover({
    service: 'details',
    namespace: 'bookinfo',
    from: 'cluster-1',
    config: expanded.config,
    inventories: expanded.inventories,
    plan: withFailoverPriority(out, ['app=details']),
    client,
  });
  assert.ok(shared.endpoints.every((e) => e.priority === 0));
  assert.match(shared.warnings.join('\n'), /cluster-2's entries are at P0, a level of cluster-1's own pods/);
  assert.throws(
    () => clientOf(inv, 'bookinfo/no-such-pod'),
    (e: unknown) =>
      e instanceof ExplainClientError && e.code === 'MB7006' && /no pod bookinfo\/no-such-pod/.test(e.message),
  );
});

/** The plan with cluster-1's DestinationRules set to this failoverPriority. */
function withFailoverPriority(out: ReturnType<typeof plan>, failoverPriority: string[]): ReturnType<typeof plan> {
  const patch = (o: GeneratedObject): GeneratedObject =>
    o.kind === 'DestinationRule'
      ? {
          ...o,
          spec: {
            ...o.spec,
            trafficPolicy: { ...o.spec.trafficPolicy, loadBalancer: { localityLbSetting: { failoverPriority } } },
          },
        }
      : o;
  return { ...out, clusters: { ...out.clusters, 'cluster-1': (out.clusters['cluster-1'] ?? []).map(patch) } };
}

test('probed entries: explain tells gateway down, remote service down and local service down apart', () => {
  const { expanded } = loadCase(join(CASES, 'two-clusters-seed.yaml'));
  const out = plan({ config: expanded.config, inventories: expanded.inventories, resolved: expanded.resolved });
  const entries = (out.clusters['cluster-1'] ?? []).filter(
    (o) => o.kind === 'WorkloadEntry' && o.metadata.name.startsWith('k-details-'),
  );
  assert.equal(entries.length, 3);
  const [a, b, c] = entries.map((o) => `bookinfo/${o.metadata.name}`);
  const inventories = expanded.inventories.map((inv) =>
    inv.cluster !== 'cluster-1'
      ? inv
      : {
          ...inv,
          // cluster-1's details pod is gone as well.
          services: inv.services.map((s) => (s.name === 'details' ? { ...s, workloads: [] } : s)),
          entryHealth: {
            [a!]: { healthy: false, reason: 'GatewayUnreachable', message: '18.133.97.238:15443: ECONNREFUSED' },
            [b!]: {
              healthy: false,
              reason: 'RemoteServiceUnavailable',
              message: 'no mTLS session through the gateway',
            },
            [c!]: { healthy: true, reason: 'ProbeSucceeded', message: 'ok' },
          },
        },
  );
  const r = explainFailover({
    service: 'details',
    namespace: 'bookinfo',
    from: 'cluster-1',
    config: expanded.config,
    inventories,
    plan: out,
  });
  assert.deepEqual(r.endpoints.map((e) => e.health).sort(), ['gateway down', 'probe ok', 'remote service down']);
  assert.ok(
    r.warnings.includes(
      "2 of 3 of cluster-2's entries fail their probes (gateway down, remote service down): clients skip those",
    ),
    r.warnings.join('\n'),
  );
  assert.ok(r.warnings.some((w) => /cluster-1 has no ready details pod \(local service down\)/.test(w)));
  assert.match(formatExplain(r), /gateway down/);
});
