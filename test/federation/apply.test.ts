// The apply layer against the embedded cluster's Kubernetes-compatible API through @kubernetes/client-node: it writes exactly the
// difference, repairs drift, deletes only stale objects it owns, and never touches unlabelled objects.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedApi, kubeconfigFor } from './support/embedded-api.js';
import { loadCase } from './support/cases.js';
import { createClusterClient, loadKubeConfig, type ClusterClient, type KObject } from '../../src/kube/client.js';
import {
  applyChanges,
  DESIRED_HASH_ANNOTATION,
  diff,
  indexDesired,
  MANAGED_SELECTOR,
  mergedAnnotations,
  OWNED_KINDS,
  settles,
  keyOfChange,
  WRITES_IN_FLIGHT,
  type Change,
} from '../../src/federation/apply.js';
import { KubeError } from '../../src/kube/errors.js';
import { plan } from '../../src/federation/plan.js';
import type { GeneratedObject } from '../../src/federation/types.js';

const CASES = new URL('./plan-cases/', import.meta.url).pathname;
let server: EmbeddedApi;
let client: ClusterClient;
let dir: string;

before(async () => {
  server = new EmbeddedApi();
  await server.start();
  // The client cluster runs (part of) bookinfo, so its namespace exists; generated objects live in it.
  server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } });
  // Istio's root namespace exists wherever Istio is installed; the mesh-wide trust-domain policy lives there.
  server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
  dir = mkdtempSync(join(tmpdir(), 'mb-apply-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor({ 'cluster-1': server }));
  client = createClusterClient({
    name: 'cluster-1',
    kubeConfig: loadKubeConfig({ path: join(dir, 'kubeconfig'), context: 'cluster-1' }),
  });
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function desiredFor(caseName: string, cluster = 'cluster-1'): GeneratedObject[] {
  const { expanded } = loadCase(join(CASES, `${caseName}.yaml`));
  return (
    plan({ config: expanded.config, inventories: expanded.inventories, resolved: expanded.resolved }).clusters[
      cluster
    ] ?? []
  );
}

async function actual(): Promise<KObject[]> {
  return (await Promise.all(OWNED_KINDS.map((k) => client.list(k, { labelSelector: MANAGED_SELECTOR })))).flat();
}

async function converge(desired: GeneratedObject[]) {
  const changes = diff({ desired, actual: await actual() });
  return { changes, result: await applyChanges(client, changes) };
}

test('creates every planned object in an empty cluster, and a second pass changes nothing', async () => {
  const desired = desiredFor('service-not-local');
  const { result } = await converge(desired);
  assert.equal(result.failed.length, 0, JSON.stringify(result.failed.map((f) => f.error.message)));
  assert.equal(result.created, desired.length);
  assert.deepEqual(
    server.list('ServiceEntry', 'meshbridge-multicluster').map((o) => o.metadata?.name),
    ['k-details-bookinfo', 'k-ratings-bookinfo', 'k-reviews-bookinfo'],
  );
  assert.deepEqual(
    server.list('Namespace').map((n) => n.metadata?.name),
    ['bookinfo', 'istio-system', 'meshbridge-multicluster'],
  );
  assert.deepEqual(
    server.list('AuthorizationPolicy', 'istio-system').map((o) => o.metadata?.name),
    ['meshbridge-trust-domains'],
  );
  const again = await converge(desired);
  assert.deepEqual(again.changes, []);
});

test('moves to a new plan by updating what differs and deleting only its own stale objects', async () => {
  // An unrelated, unlabelled WorkloadEntry a user created: it must survive.
  server.put({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name: 'vm-1', namespace: 'bookinfo' },
    spec: { address: '10.9.9.9' },
  });
  const desired = desiredFor('two-clusters-seed');
  const { changes, result } = await converge(desired);
  assert.equal(result.failed.length, 0);
  // The ServiceEntries and their namespace go; productpage's entries keep their names but the gateway's addresses
  // changed (2 -> the seed's 3), so the kept names are updated in place.
  const ops = changes.map(
    (c) =>
      `${c.op} ${(c.op === 'delete' ? c.current : c.object).kind}/${(c.op === 'delete' ? c.current : c.object).metadata?.name}`,
  );
  assert.ok(ops.includes('delete Namespace/meshbridge-multicluster'));
  assert.ok(ops.includes('delete ServiceEntry/k-details-bookinfo'));
  assert.ok(ops.some((o) => o.startsWith('update WorkloadEntry/k-productpage-')));
  assert.equal(server.list('WorkloadEntry', 'bookinfo').filter((o) => o.metadata?.name?.startsWith('k-')).length, 12);
  assert.equal(server.list('ServiceEntry').length, 0);
  assert.deepEqual(server.list('WorkloadEntry').find((o) => o.metadata?.name === 'vm-1')?.spec, {
    address: '10.9.9.9',
  });
  assert.deepEqual((await converge(desired)).changes, []);
});

test('repairs a hand edit of a generated field and recreates a deleted generated object', async () => {
  const desired = desiredFor('two-clusters-seed');
  const we = server
    .list('WorkloadEntry', 'bookinfo')
    .find((o) => o.metadata?.name?.startsWith('k-details-')) as KObject;
  server.put({ ...we, spec: { ...(we.spec as object), address: '6.6.6.6' } });
  const dr = server.list('DestinationRule', 'bookinfo')[0] as KObject;
  server.remove('networking.istio.io/v1', 'DestinationRule', dr.metadata?.name ?? '', 'bookinfo');
  const { changes } = await converge(desired);
  assert.deepEqual(
    changes.map((c) => c.op),
    ['create', 'update'],
  );
  assert.notEqual(
    (
      server.list('WorkloadEntry', 'bookinfo').find((o) => o.metadata?.name === we.metadata?.name)?.spec as {
        address: string;
      }
    ).address,
    '6.6.6.6',
  );
});

test('never overwrites an unlabelled object that has a generated name: the clash is a conflict', async () => {
  const desired = desiredFor('two-clusters-seed');
  const target = desired.find((o) => o.kind === 'WorkloadEntry') as GeneratedObject;
  server.remove('networking.istio.io/v1', 'WorkloadEntry', target.metadata.name, 'bookinfo');
  server.put({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name: target.metadata.name, namespace: 'bookinfo' },
    spec: { address: '10.1.1.1' },
  });
  const { result } = await converge(desired);
  assert.equal(result.failed.length, 1);
  assert.equal(result.failed[0]?.conflict, true);
  assert.equal(result.failed[0]?.error.code, 'MB7103');
  const kept = server.list('WorkloadEntry', 'bookinfo').find((o) => o.metadata?.name === target.metadata.name);
  assert.deepEqual(kept?.spec, { address: '10.1.1.1' });
  assert.equal(kept?.metadata?.labels, undefined);
});

test('keeps the objects that came from a cluster whose state is unknown', () => {
  const actualObjs: KObject[] = [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadEntry',
      metadata: {
        name: 'k-a-1',
        namespace: 'ns',
        labels: { 'meshbridge.io/managed-by': 'meshbridge-federation', 'meshbridge.io/source-cluster': 'cluster-9' },
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadEntry',
      metadata: {
        name: 'k-a-2',
        namespace: 'ns',
        labels: { 'meshbridge.io/managed-by': 'meshbridge-federation', 'meshbridge.io/source-cluster': 'cluster-8' },
      },
    },
  ];
  const changes = diff({ desired: [], actual: actualObjs, keepSources: new Set(['cluster-9']) });
  assert.deepEqual(
    changes.map((c) => (c.op === 'delete' ? c.current.metadata?.name : '?')),
    ['k-a-2'],
  );
});

test('a create that finds its own object already there (a cache behind its own writes) updates it instead', async () => {
  const desired = desiredFor('two-clusters-seed').filter((o) => o.kind === 'DestinationRule');
  // As if the cache had not seen the objects yet: every desired object looks missing.
  const changes = diff({ desired, actual: [] });
  assert.ok(changes.length > 0 && changes.every((c) => c.op === 'create'));
  const result = await applyChanges(client, changes);
  assert.deepEqual(result.failed, []);
  assert.equal(result.updated, desired.length);
});

test('an update computed from a cache behind the cluster is written over the current copy, not failed', async () => {
  const desired = desiredFor('two-clusters-seed').filter((o) => o.kind === 'DestinationRule');
  await converge(desired);
  // The cache as the watch left it; then our own next write moves every object past it.
  const stale = await actual();
  const relabel = (v: string) =>
    desired.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'test.io/v': v } } }));
  const moved = await applyChanges(client, diff({ desired: relabel('2'), actual: stale }));
  assert.deepEqual(moved.failed, []);
  // The next plan, diffed against the stale cache: every update carries an old resourceVersion.
  const changes = diff({ desired: relabel('3'), actual: stale });
  assert.ok(changes.length === desired.length && changes.every((c) => c.op === 'update'));
  const result = await applyChanges(client, changes);
  assert.deepEqual(
    result.failed.map((f) => f.error.message),
    [],
  );
  assert.equal(result.updated, desired.length);
  const now = await actual();
  for (const o of desired) {
    const got = now.find((a) => a.kind === o.kind && a.metadata?.name === o.metadata.name);
    assert.equal(got?.metadata?.labels?.['test.io/v'], '3', `${o.metadata.name} holds the latest plan`);
  }
});

test('an object invalid against Istio schema is not written, the others are, and an earlier version stays', async () => {
  const desired = desiredFor('two-clusters-seed');
  const first = await converge(desired);
  assert.deepEqual(first.result.refused, []);
  const conflicts = first.result.failed.length;
  // Entries this test owns (an earlier test left an unlabelled object under one generated name: not ours).
  const owned = new Set(
    server
      .list('WorkloadEntry', 'bookinfo')
      .filter((o) => o.metadata?.labels?.['meshbridge.io/managed-by'])
      .map((o) => o.metadata?.name),
  );
  const entries = desired.filter((o) => o.kind === 'WorkloadEntry' && owned.has(o.metadata.name));
  const rules = desired.filter((o) => o.kind === 'DestinationRule');
  assert.ok(entries.length >= 2 && rules.length >= 2);
  // One entry of the next plan is broken (129 ports: Istio maps at most 128), one rule changes validly, and one
  // entry that does not exist yet is also broken.
  const [brokenEntry, other] = entries as [GeneratedObject & { kind: 'WorkloadEntry' }, GeneratedObject];
  const tooManyPorts = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, 15443]));
  const brokenUpdate = { ...brokenEntry, spec: { ...brokenEntry.spec, ports: tooManyPorts } };
  const brokenCreate = {
    ...brokenUpdate,
    metadata: { ...brokenEntry.metadata, name: `${brokenEntry.metadata.name}-9` },
  };
  const [rule] = rules as [GeneratedObject & { kind: 'DestinationRule' }];
  const changedRule = {
    ...rule,
    spec: {
      ...rule.spec,
      trafficPolicy: { ...rule.spec.trafficPolicy, outlierDetection: { consecutive5xxErrors: 7 } },
    },
  };
  const next = desired.map((o) => (o === brokenEntry ? brokenUpdate : o === rule ? changedRule : o));
  const before = server.list('WorkloadEntry', 'bookinfo').find((o) => o.metadata?.name === brokenEntry.metadata.name);
  const { changes, result } = await converge([...next, brokenCreate]);
  assert.equal(changes.length, 3 + conflicts);
  assert.equal(result.failed.length, conflicts);
  assert.equal(result.updated, 1, 'the valid rule change is written');
  assert.deepEqual(
    result.refused.map((r) => [r.change.op, r.change.object.metadata?.name, r.issues]),
    [
      [
        'create',
        brokenCreate.metadata.name,
        [{ path: 'spec.ports', message: 'must NOT have more than 128 properties' }],
      ],
      [
        'update',
        brokenEntry.metadata.name,
        [{ path: 'spec.ports', message: 'must NOT have more than 128 properties' }],
      ],
    ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
  );
  // Nothing of the refused objects reached the cluster: the broken update left the entry as it was, the broken
  // create is absent, and the other entries are untouched.
  const after = server.list('WorkloadEntry', 'bookinfo');
  const kept = after.find((o) => o.metadata?.name === brokenEntry.metadata.name);
  assert.deepEqual(kept, before);
  assert.equal(
    after.find((o) => o.metadata?.name === brokenCreate.metadata.name),
    undefined,
  );
  assert.ok(after.some((o) => o.metadata?.name === other.metadata.name));
  const writtenRule = server.list('DestinationRule', 'bookinfo').find((o) => o.metadata?.name === rule.metadata.name);
  assert.deepEqual((writtenRule?.spec as typeof rule.spec).trafficPolicy?.outlierDetection, {
    consecutive5xxErrors: 7,
  });
});

test('an update keeps annotations others added and drops those of ours the plan no longer has', () => {
  const current = {
    'kubectl.kubernetes.io/last-applied-configuration': '{}',
    'team.example/owner': 'payments',
    'meshbridge.io/desired-hash': 'old',
    'failover.meshbridge.io/failback-delay': '30s',
    'failover.meshbridge.io/policy': 'organizations/o/tenants/t/workspaces/w/failoverpolicies/p',
  };
  const desired = { 'meshbridge.io/desired-hash': 'new' };
  assert.deepEqual(mergedAnnotations(current, desired), {
    'kubectl.kubernetes.io/last-applied-configuration': '{}',
    'team.example/owner': 'payments',
    'meshbridge.io/desired-hash': 'new',
  });
  assert.deepEqual(mergedAnnotations(undefined, undefined), {});
  // A look-alike domain is not ours.
  assert.deepEqual(mergedAnnotations({ 'notmeshbridge.io/x': '1' }, {}), { 'notmeshbridge.io/x': '1' });
});

test('settles: an event leaving an object as planned asks for no pass; one that leaves work to do does', async () => {
  const desired = indexDesired(desiredFor('two-clusters-seed'));
  await converge([...desired.values()].map((d) => d.generated));
  const entry = (await actual()).find((o) => o.kind === 'WorkloadEntry');
  assert.ok(entry, 'a written entry');
  const spec = entry.spec as Record<string, unknown>;
  // The echo of our write, then what others may add: a status, a label of theirs, an annotation of theirs.
  assert.equal(settles(desired, entry, false), true);
  assert.equal(
    settles(desired, { ...entry, status: { conditions: [{ type: 'Healthy', status: 'False' }] } }, false),
    true,
  );
  const theirs = { ...entry, metadata: { ...entry.metadata, labels: { ...entry.metadata?.labels, 'team.io/x': 'y' } } };
  assert.equal(settles(desired, theirs, false), true);
  // A hand edit of a generated field, a stale copy (another hash), the deletion of a wanted object: work to do.
  assert.equal(settles(desired, { ...entry, spec: { ...spec, address: '192.0.2.9' } }, false), false);
  const stale = { ...entry, metadata: { ...entry.metadata, annotations: { [DESIRED_HASH_ANNOTATION]: '0' } } };
  assert.equal(settles(desired, stale, false), false);
  assert.equal(settles(desired, entry, true), false);
  // The deletion of an object no longer wanted is what a pass would do; its reappearance is not.
  const gone = { ...entry, metadata: { ...entry.metadata, name: 'k-not-planned' } };
  assert.equal(settles(desired, gone, true), true);
  assert.equal(settles(desired, gone, false), false);
});

test('writes a rank with several in flight, never two ranks at once, and reports in the changes order', async () => {
  // A recording double: each write takes a few ms; a failure on one name.
  let inFlight = 0;
  let most = 0;
  const events: string[] = [];
  const write = async (verb: string, o: { kind?: string; metadata?: { name?: string } }) => {
    inFlight++;
    most = Math.max(most, inFlight);
    events.push(`start ${verb} ${o.kind}`);
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 5));
    inFlight--;
    events.push(`end ${verb} ${o.kind}`);
    if (o.metadata?.name === 'k-bad') throw new KubeError('MB7101', 'the API said no');
    return o as KObject;
  };
  const recording = {
    name: 'recording',
    create: (o: KObject) => write('create', o),
    replace: (o: KObject) => write('replace', o),
    delete: async (ref: { kind: string; name: string }) => void (await write('delete', { kind: ref.kind })),
  } as unknown as ClusterClient;
  const entry = (name: string): KObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name, namespace: 'bookinfo', labels: { 'meshbridge.io/managed-by': 'meshbridge-federation' } },
    spec: { address: '10.0.0.1' },
  });
  const changes: Change[] = [
    { op: 'create', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } } },
    ...['a', 'b', 'bad', 'c', 'd', 'e', 'f'].map((n): Change => ({ op: 'create', object: entry(`k-${n}`) })),
    { op: 'delete', current: entry('k-old') },
  ];
  const result = await applyChanges(recording, changes);
  assert.equal(result.created, 7);
  assert.equal(result.deleted, 1);
  assert.deepEqual(
    result.failed.map((f) => keyOfChange(f.change)),
    ['WorkloadEntry/bookinfo/k-bad'],
  );
  assert.equal(most, WRITES_IN_FLIGHT, 'the seven entries went several at a time');
  // The namespace ends before any entry starts; every entry ends before the delete starts.
  const at = (e: string) => events.indexOf(e);
  assert.ok(at('end create Namespace') < at('start create WorkloadEntry'));
  assert.ok(events.lastIndexOf('end create WorkloadEntry') < at('start delete WorkloadEntry'));
});
