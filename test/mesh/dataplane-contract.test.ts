/**
 * Contract C end to end: the data plane's own xDS client (src/dataplane/xds) subscribes to our control plane for
 * every golden case, parses everything it is sent without a NACK, and ends up with exactly the resources the
 * translation produces; then a change reaches it as a partial EDS push it merges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import { XdsClient } from '../../src/dataplane/xds/client.js';
import { toStruct } from '../../src/xds/index.js';
import { isMeshObject, type MeshObject } from '../../src/mesh/inputs.js';
import { startControlPlane } from '../../src/mesh/control-plane.js';
import { createSnapshot } from '../../src/mesh/snapshot.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { proxyFromNode, type XdsNodeInfo } from '../../src/mesh/proxy.js';
import { translate } from '../../src/mesh/translate/index.js';
import { resourceName } from '../../src/mesh/xds-types.js';

interface GoldenCase {
  proxy: XdsNodeInfo;
  listenerNames?: string[];
  include?: { file: string; namespace: string }[];
  objects?: MeshObject[];
}

const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.1`;
const dir = join(REPO_ROOT, 'test/mesh/golden');

function objectsOf(c: GoldenCase): MeshObject[] {
  const out: MeshObject[] = [];
  for (const inc of c.include ?? []) {
    for (const d of parseAllDocuments(readFileSync(join(EXAMPLES, inc.file), 'utf8'))) {
      const o = d.toJSON() as unknown;
      if (isMeshObject(o)) out.push({ ...o, metadata: { ...o.metadata, namespace: inc.namespace } } as MeshObject);
    }
  }
  return [...out, ...(c.objects ?? [])];
}

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const name of readdirSync(dir).sort()) {
  const c = parse(readFileSync(join(dir, name, 'case.yaml'), 'utf8')) as GoldenCase;
  // API listeners are for proxyless gRPC clients; the data plane asks LDS as a wildcard.
  if (c.listenerNames) continue;
  test(`the data plane's xDS client accepts everything for ${name}`, async (t) => {
    const objects = objectsOf(c);
    const source = createMemorySource(objects);
    const cp = await startControlPlane({ source, listen: { host, port: 0 }, clusterName: 'c1', debounceMs: 10 });
    const nacks: string[] = [];
    const client = new XdsClient({
      address: cp.address,
      node: {
        id: c.proxy.id,
        locality: c.proxy.locality ?? {},
        metadata: toStruct((c.proxy.metadata ?? {}) as Record<string, unknown>),
      },
      backoff: { initialMs: 50, maxMs: 200 },
    });
    client.on('nack', (kind, error) => nacks.push(`${kind}: ${error}`));
    client.start();
    t.after(async () => {
      client.stop();
      await cp.close();
    });
    const snapshot = createSnapshot(objects);
    const want = translate(snapshot, proxyFromNode(c.proxy, snapshot));
    const names = (list: readonly Record<string, unknown>[]) => list.map(resourceName).sort();
    await until(() => client.isReady() && client.state.cluster.models.size === want.clusters.length, 'a full config');
    assert.deepEqual(nacks, []);
    assert.equal(cp.stats().nacks, 0);
    assert.deepEqual([...client.state.cluster.models.keys()].sort(), names(want.clusters));
    assert.deepEqual([...client.state.listener.models.keys()].sort(), names(want.listeners));
    assert.deepEqual([...client.state.route.models.keys()].sort(), names(want.routes));
    // Every EDS cluster's assignment arrived (STATIC inbound clusters carry theirs inline).
    const eds = want.clusters
      .filter((x) => x['type'] === 'EDS')
      .map(resourceName)
      .sort();
    assert.deepEqual([...client.state.endpoint.models.keys()].sort(), eds);
  });
}

test('the data plane merges a partial EDS push: one service changes, the others stay', async (t) => {
  const c = parse(readFileSync(join(dir, 'bookinfo-one-cluster', 'case.yaml'), 'utf8')) as GoldenCase;
  const source = createMemorySource(objectsOf(c));
  const cp = await startControlPlane({ source, listen: { host, port: 0 }, clusterName: 'c1', debounceMs: 10 });
  const client = new XdsClient({ address: cp.address, node: { id: c.proxy.id, locality: c.proxy.locality ?? {} } });
  client.start();
  t.after(async () => {
    client.stop();
    await cp.close();
  });
  await until(() => client.isReady() && client.state.endpoint.models.size === 4, 'four assignments');
  const ratings = 'outbound|9080||ratings.bookinfo.svc.cluster.local';
  const hosts = (cluster: string) =>
    client.state.endpoint.models
      .get(cluster)
      ?.localities.flatMap((l) => l.endpoints.map((e) => e.host))
      .sort();
  source.apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ratings-v1-1', namespace: 'bookinfo', labels: { app: 'ratings', version: 'v1' } },
    spec: { nodeName: 'cluster-1-node', containers: [{ name: 'ratings', ports: [{ containerPort: 9080 }] }] },
    status: { phase: 'Running', podIP: '127.1.0.16', conditions: [{ type: 'Ready', status: 'True' }] },
  });
  await until(() => hosts(ratings)?.length === 2, 'the new ratings endpoint');
  assert.deepEqual(hosts(ratings), ['127.1.0.12', '127.1.0.16']);
  assert.equal(client.state.endpoint.models.size, 4, 'the assignments not in the push are kept');
  assert.deepEqual(hosts('outbound|9080||details.bookinfo.svc.cluster.local'), ['127.1.0.11']);
});

test("identities reach the data plane: endpoints' SPIFFE IDs and the inbound listener's trust domains", async (t) => {
  const c = parse(readFileSync(join(dir, 'trust-domains', 'case.yaml'), 'utf8')) as GoldenCase;
  const source = createMemorySource(objectsOf(c));
  const cp = await startControlPlane({
    source,
    listen: { host, port: 0 },
    clusterName: 'cluster-1',
    trustDomain: 'cluster-1.local',
    debounceMs: 10,
  });
  const client = new XdsClient({ address: cp.address, node: { id: c.proxy.id, locality: c.proxy.locality ?? {} } });
  client.start();
  t.after(async () => {
    client.stop();
    await cp.close();
  });
  const details = 'outbound|9080||details.bookinfo.svc.cluster.local';
  await until(() => client.isReady() && client.state.endpoint.models.has(details), 'the details assignment');
  const sans = client.state.endpoint.models
    .get(details)
    ?.localities.flatMap((l) => l.endpoints.map((e) => `${e.host} ${e.subjectAltNames?.join(',') ?? '-'}`))
    .sort();
  assert.deepEqual(sans, [
    '127.1.0.11 spiffe://cluster-1.local/ns/bookinfo/sa/bookinfo-details',
    '127.2.200.1 spiffe://cluster-2.local/ns/bookinfo/sa/bookinfo-details',
  ]);
  const inbound = client.state.listener.models.get('virtualInbound');
  assert.deepEqual(
    inbound?.filterChains.map((fc) => fc.peerTrustDomains),
    [['cluster-1.local', 'cluster-2.local']],
  );
});
