/**
 * The inbound listener's progress signals on real sockets: a slow answer is preceded by `102 Processing` at the
 * interval, a fast one by none, and an HTTP/1.0 client (which RFC 9110 says must not get a 1xx) by none either.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ProgressSignals } from './progress.js';

const progress = new ProgressSignals(50);
let server: http.Server;
let port = 0;

before(async () => {
  server = http.createServer((req, res) => {
    progress.track(req, res);
    const delay = Number(/^\/delay\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
    setTimeout(() => {
      progress.done(res);
      res.end('ok');
    }, delay);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  progress.stop();
  server.close();
});

function get(path: string): Promise<{ status: number; interim: number[] }> {
  return new Promise((resolve, reject) => {
    const interim: number[] = [];
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, interim }));
    });
    req.on('information', (info) => interim.push(info.statusCode));
    req.on('error', reject);
  });
}

test('a request the app works on for 400 ms gets 102 Processing at the interval, then its answer', async () => {
  const r = await get('/delay/400');
  assert.equal(r.status, 200);
  assert.ok(r.interim.length >= 4 && r.interim.length <= 9, `${r.interim.length} interim responses`);
  assert.ok(
    r.interim.every((c) => c === 102),
    r.interim.join(','),
  );
});

test('a fast answer gets no interim response', async () => {
  const r = await get('/delay/0');
  assert.equal(r.status, 200);
  assert.deepEqual(r.interim, []);
});

test('an HTTP/1.0 client gets no interim response, only its answer', async () => {
  const text = await new Promise<string>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /delay/300 HTTP/1.0\r\nHost: x\r\n\r\n'));
    let data = '';
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.doesNotMatch(text, /102 Processing/);
});

test('an answered request is no longer acknowledged', async () => {
  await get('/delay/120');
  assert.equal(progress.pendingCount, 0);
});
