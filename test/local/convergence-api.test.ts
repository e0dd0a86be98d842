/**
 * The cluster API's convergence list (server/convergence-api.ts) over real HTTP, fed by a real control plane
 * with a real ADS client: behind the cluster's bearer token, 404 without a mesh, and what `local status` prints
 * from it (summariseConvergence).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../../src/mesh/control-plane.js';
import { createMemorySource } from '../../src/mesh/source.js';
import { startApiServer } from '../../src/local/server/api-server.js';
import {
  CONVERGENCE_PATH,
  convergenceExtension,
  type ConvergenceList,
} from '../../src/local/server/convergence-api.js';
import { summariseConvergence } from '../../src/local/lifecycle/status.js';
import { newApiToken } from '../../src/local/server/guard.js';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { RawAdsClient } from '../mesh/ads-client.js';

const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.1`;
const objects = [
  { kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
  {
    kind: 'Service',
    metadata: { name: 'cart', namespace: 'shop' },
    spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 8080 }] },
  },
];
const CART = 'outbound|8080||cart.shop.svc.cluster.local';

test('GET /apis/mesh.meshbridge.io/v1/convergence lists each service with its Converged condition, behind the token', async (t) => {
  const cp = await startControlPlane({
    source: createMemorySource(objects),
    listen: { host, port: 0 },
    clusterName: 'c1',
    debounceMs: 10,
  });
  const dir = mkdtempSync(join(tmpdir(), 'mb-conv-'));
  const store = new ClusterStore({ file: join(dir, 'store.db') });
  const token = newApiToken();
  let mesh = true;
  const api = await startApiServer({
    store,
    token,
    extension: convergenceExtension(() => (mesh ? cp.convergence() : undefined)),
  });
  const client = new RawAdsClient(cp.address);
  t.after(async () => {
    client.close();
    await api.close();
    await cp.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = async (auth?: string) => {
    const res = await fetch(`${api.url}${CONVERGENCE_PATH}`, auth ? { headers: { authorization: auth } } : {});
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  client.send({
    node: { id: 'sidecar~127.1.0.9~web-0.shop~shop.svc.cluster.local' },
    type_url: TYPE_URLS.endpoint,
    resource_names: [CART],
  });
  const eds = await client.next();
  let pending = await get(`Bearer ${token}`);
  assert.equal(pending.status, 200);
  const list = pending.body as unknown as ConvergenceList;
  assert.equal(list.kind, 'ConvergenceList');
  assert.deepEqual(
    list.items.map((o) => [o.kind, o.namespace, o.name, o.conditions[0].status, o.conditions[0].message]),
    [['Service', 'shop', 'cart', 'False', 'ACKed by 0 of 1 proxies']],
  );
  assert.deepEqual(summariseConvergence(list), {
    objects: 1,
    converged: 0,
    pending: [{ object: 'Service shop/cart', message: 'ACKed by 0 of 1 proxies' }],
  });

  client.send({
    type_url: TYPE_URLS.endpoint,
    version_info: eds.version_info,
    response_nonce: eds.nonce,
    resource_names: [CART],
  });
  await new Promise((r) => setTimeout(r, 100));
  pending = await get(`Bearer ${token}`);
  assert.deepEqual(summariseConvergence(pending.body as unknown as ConvergenceList), {
    objects: 1,
    converged: 1,
    pending: [],
  });

  assert.equal((await get()).status, 401, 'no token');
  assert.equal((await get('Bearer not-the-token-0123456789012345678901234567890123')).status, 401, 'wrong token');
  mesh = false;
  const none = await get(`Bearer ${token}`);
  assert.equal(none.status, 404);
  assert.equal(none.body['reason'], 'NotFound');
});
