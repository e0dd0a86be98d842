import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Topology } from '../telemetry/topology.js';
import { UnknownClusterError } from './failover-source.js';
import { registerUi } from './register.js';
import type { FailoverView } from './wire.js';

const topology: Topology = { source: 'scrape', atMs: 1, windowMs: 10_000, edges: [], events: [], targets: [] };

async function app(withAuth: boolean) {
  const uiDir = mkdtempSync(join(tmpdir(), 'mb-ui-'));
  mkdirSync(join(uiDir, 'dist'));
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(uiDir, 'style.css'), 'body{}');
  writeFileSync(join(uiDir, 'dist', 'main.js'), 'export {};');
  writeFileSync(join(uiDir, 'secret.txt'), 'nope');
  const server = Fastify();
  const tokens: Record<string, { name: string; role: string }> = {
    admin: { name: 'admin', role: 'org-admin' },
    r: { name: 'r', role: 'reader' },
  };
  await registerUi(server, {
    topology: { topology: async () => topology },
    inventory: async () => [{ name: 'cluster-1', gateways: [], services: [], workloadEntries: [], reachable: true }],
    ...(withAuth ? { authenticate: (t: string) => tokens[t] } : {}),
    uiDir,
  });
  return server;
}

test('serves the page, its modules and cytoscape, with the right content types', async () => {
  const s = await app(false);
  const page = await s.inject('/ui/');
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /text\/html/);
  assert.equal((await s.inject('/ui')).statusCode, 302);
  const js = await s.inject('/ui/dist/main.js');
  assert.equal(js.statusCode, 200);
  assert.match(String(js.headers['content-type']), /text\/javascript/);
  const cy = await s.inject('/ui/vendor/cytoscape.esm.min.mjs');
  assert.equal(cy.statusCode, 200);
  assert.ok(cy.body.length > 100_000, 'the real cytoscape build');
  assert.equal((await s.inject('/ui/style.css')).statusCode, 200);
});

test('serves nothing outside its files: traversal and unknown names are 404', async () => {
  const s = await app(false);
  for (const p of [
    '/ui/secret.txt',
    '/ui/dist/../secret.txt',
    '/ui/dist/%2e%2e%2fsecret.txt',
    '/ui/../package.json',
    '/ui/dist/Main.js',
  ]) {
    assert.equal((await s.inject(p)).statusCode, 404, p);
  }
});

test('data routes need a valid token when authentication is configured; a reader may not edit', async () => {
  const s = await app(true);
  const anon = await s.inject('/ui/api/topology');
  assert.equal(anon.statusCode, 401);
  assert.equal(anon.json().code, 'MB9001');
  assert.equal(
    (await s.inject({ url: '/ui/api/topology', headers: { authorization: 'Bearer wrong' } })).statusCode,
    401,
  );
  const ok = await s.inject({ url: '/ui/api/topology', headers: { authorization: 'Bearer admin' } });
  assert.deepEqual(ok.json(), topology);
  const inv = await s.inject({ url: '/ui/api/inventory', headers: { authorization: 'Bearer r' } });
  assert.equal(inv.json().clusters[0].name, 'cluster-1');
  assert.deepEqual((await s.inject({ url: '/ui/api/session', headers: { authorization: 'Bearer r' } })).json(), {
    name: 'r',
    role: 'reader',
    canEdit: false,
  });
  assert.equal(
    (await s.inject({ url: '/ui/api/session', headers: { authorization: 'Bearer admin' } })).json().canEdit,
    true,
  );
  // The page itself is public: it asks for a token.
  assert.equal((await s.inject('/ui/')).statusCode, 200);
});

test('the failover route checks its query, passes it on, and maps an unknown cluster to 404', async () => {
  const calls: string[][] = [];
  const report: FailoverView = {
    service: 'details',
    namespace: 'bookinfo',
    client: 'cluster-1',
    clientLocality: 'eu-west-2/eu-west-2a',
    endpoints: [],
    targets: [],
    notTargets: [],
    warnings: [],
  };
  const s = Fastify();
  await registerUi(s, {
    topology: { topology: async () => topology },
    failover: async (service, namespace, from) => {
      calls.push([service, namespace, from]);
      if (from === 'nowhere') throw new UnknownClusterError(from, ['cluster-1']);
      if (from === 'broken') throw new Error('connection refused');
      return report;
    },
  });
  const get = (q: string) => s.inject(`/ui/api/failover${q}`);
  const ok = await get('?service=details&namespace=bookinfo&from=cluster-1');
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), report);
  assert.deepEqual(calls, [['details', 'bookinfo', 'cluster-1']]);
  const missing = await get('?service=details&namespace=bookinfo');
  assert.equal(missing.statusCode, 400);
  assert.equal(missing.json().code, 'MB9007');
  assert.equal((await get('?service=Details!&namespace=bookinfo&from=cluster-1')).statusCode, 400);
  const unknown = await get('?service=details&namespace=bookinfo&from=nowhere');
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), {
    code: 'MB9005',
    message: 'cluster nowhere is not registered (known: cluster-1)',
  });
  const broken = await get('?service=details&namespace=bookinfo&from=broken');
  assert.equal(broken.statusCode, 502);
  assert.match(broken.json().message, /connection refused/);
  assert.equal(calls.length, 3, 'invalid queries never reach the source');
});

test('without a failover source the route answers 404', async () => {
  const s = Fastify();
  await registerUi(s, { topology: { topology: async () => topology } });
  const r = await s.inject('/ui/api/failover?service=details&namespace=bookinfo&from=cluster-1');
  assert.equal(r.statusCode, 404);
  assert.equal(r.json().code, 'MB9005');
});
