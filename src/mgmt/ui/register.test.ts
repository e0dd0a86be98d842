import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Topology } from '../telemetry/topology.js';
import { registerUi } from './register.js';

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
