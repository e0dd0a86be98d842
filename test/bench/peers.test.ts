/**
 * The benchmark's peer rungs (bench/lib/peers.ts) are real proxies in front of a real app: nginx, haproxy and the
 * minimal Node proxy each forward a GET with keep-alive and pass the app's answer through unchanged. The tools are
 * installed by `.ci/run`; a missing one fails here, naming its Debian package.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { ensurePeerTools, PeerSet, type PeerKind } from '../../bench/lib/peers.js';
import { randomLoopback } from '../support/proxies.js';

const peers = new PeerSet();
const app = http.createServer((req, res) => {
  res.setHeader('x-app', 'yes');
  res.end(`app saw ${req.method} ${req.url} host=${req.headers.host ?? ''}`);
});
after(() => {
  peers.close();
  app.close();
});

function get(ip: string, agent: http.Agent): Promise<{ status: number; body: string; app?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: ip, port: 9080, path: '/p?q=1', headers: { host: 'svc' }, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, app: res.headers['x-app'] as string | undefined }),
        );
      })
      .on('error', reject);
  });
}

test('nginx, haproxy and the minimal Node proxy forward to the app with keep-alive', async () => {
  ensurePeerTools();
  const appIp = randomLoopback();
  await new Promise<void>((r) => app.listen(9080, appIp, r));
  for (const kind of ['node-proxy', 'nginx', 'haproxy'] as PeerKind[]) {
    const ip = randomLoopback();
    await peers.start(kind, ip, 9080, { host: appIp, port: 9080 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const res = await get(ip, agent);
      assert.equal(res.status, 200, `${kind}: ${res.body}`);
      assert.equal(res.body, 'app saw GET /p?q=1 host=svc', kind);
      assert.equal(res.app, 'yes', `${kind} passes the app's headers`);
      for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) sockets.add(s);
    }
    assert.equal(sockets.size, 1, `${kind}: the client connection was kept alive`);
    agent.destroy();
  }
});
