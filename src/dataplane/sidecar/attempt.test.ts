/**
 * When one attempt's clocks run: connecting (TCP and the TLS handshake) is bounded by the cluster's connect
 * timeout, the per-try timeout starts once the connection is ready (as Envoy arms it when the pool hands over a
 * connection), and so does the per-try idle timeout, which every interim 1xx response restarts; the route timeout
 * over all tries is the retry loop's. Real sockets: an mTLS server behind
 * a relay that holds each new connection before passing it on, so the handshake is slow and nothing else is.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ClientRequest } from 'node:http';
import { createTestPki } from '../../../test/support/pki.js';
import type { Host } from '../balancer/cluster-balancer.js';
import type { RequestBody } from './body.js';
import type { UpstreamAgents } from './upstream.js';
import { runAttempt, type AttemptOptions, type AttemptResult } from './attempt.js';
import { outcomeOf } from './retry-loop.js';

const SAN = 'spiffe://cluster-1.local/ns/bookinfo/sa/details';
let agent: https.Agent;
let server: https.Server;
/** Milliseconds the relay holds a new connection before it reaches the TLS server. */
let holdMs = 0;
/** Milliseconds the server waits before answering. */
let answerAfterMs = 0;
/** While waiting, the server sends `102 Processing` this often (0 = never), as a peer's inbound listener does. */
let processingEveryMs = 0;
let relay: net.Server;

before(async () => {
  const pki = await createTestPki();
  const serverCert = await pki.issue('cluster-1.local', 'bookinfo', 'details');
  const clientCert = await pki.issue('cluster-1.local', 'bookinfo', 'sleep');
  server = https.createServer({ cert: serverCert.certPem, key: serverCert.keyPem }, (_req, res) => {
    const ticks = processingEveryMs > 0 ? setInterval(() => res.writeProcessing(), processingEveryMs) : undefined;
    setTimeout(() => {
      clearInterval(ticks);
      res.end('ok');
    }, answerAfterMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = (server.address() as AddressInfo).port;
  relay = net.createServer((down) => {
    down.pause();
    setTimeout(() => {
      const up = net.connect(target, '127.0.0.1', () => {
        down.pipe(up).pipe(down);
        down.resume();
      });
      up.on('error', () => down.destroy());
      down.on('error', () => up.destroy());
    }, holdMs);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  agent = new https.Agent({ keepAlive: false, cert: clientCert.certPem, key: clientCert.keyPem, ca: pki.root.certPem });
});

after(() => {
  agent.destroy();
  relay.close();
  server.closeAllConnections();
  server.close();
});

function attempt(o: Partial<AttemptOptions>): Promise<AttemptResult> {
  const host = {
    key: 'h',
    endpoint: {
      host: '127.0.0.1',
      port: (relay.address() as AddressInfo).port,
      healthy: true,
      weight: 1,
      tlsMode: 'istio',
      subjectAltNames: [SAN],
    },
  } as unknown as Host;
  // Only the pieces of the pool and the body that an attempt uses.
  const agents = { mtls: () => agent, checkServerFor: () => () => undefined } as unknown as UpstreamAgents;
  const body = { attach: (req: ClientRequest) => req.end(), detach: () => {} } as unknown as RequestBody;
  return runAttempt({
    host,
    method: 'GET',
    path: '/',
    headers: {},
    body,
    agents,
    sni: undefined,
    connectTimeoutMs: 5_000,
    timeoutMs: 200,
    ...o,
  });
}

test('a handshake slower than the per-try timeout is not cut by it: the connect timeout bounds connecting', async () => {
  holdMs = 500;
  answerAfterMs = 0;
  const r = await attempt({ timeoutMs: 200 });
  assert.equal(r.kind, 'response', JSON.stringify(r.kind === 'failure' ? r.message : ''));
  if (r.kind === 'response') r.res.resume();
});

test('the per-try timeout runs from the ready connection: a silent server times out as `timeout`, connected', async () => {
  holdMs = 0;
  answerAfterMs = 2_000;
  const started = performance.now();
  const r = await attempt({ timeoutMs: 200 });
  assert.equal(r.kind, 'failure');
  if (r.kind === 'failure') {
    assert.equal(r.reason, 'timeout');
    assert.equal(r.connected, true);
  }
  assert.ok(performance.now() - started < 1_500, 'cut by the per-try timeout, not the answer');
});

test('a connection that takes longer than the connect timeout fails as `connect`, not connected', async () => {
  holdMs = 1_000;
  answerAfterMs = 0;
  const r = await attempt({ connectTimeoutMs: 200, timeoutMs: 5_000 });
  assert.equal(r.kind, 'failure');
  if (r.kind === 'failure') {
    assert.equal(r.reason, 'connect');
    assert.equal(r.connected, false);
  }
});

test('the per-try idle timeout: a peer that sends 102 Processing while it works is not cut, however slow', async () => {
  holdMs = 0;
  answerAfterMs = 900;
  processingEveryMs = 100;
  try {
    const r = await attempt({ timeoutMs: 0, idleTimeoutMs: 300 });
    assert.equal(r.kind, 'response', JSON.stringify(r.kind === 'failure' ? r.message : ''));
    if (r.kind === 'response') {
      assert.equal(r.res.statusCode, 200);
      r.res.resume();
    }
  } finally {
    processingEveryMs = 0;
  }
});

test('the per-try idle timeout: a peer that sends nothing is cut as `timeout`, connected, after the idle time', async () => {
  holdMs = 0;
  answerAfterMs = 2_000;
  const started = performance.now();
  const r = await attempt({ timeoutMs: 0, idleTimeoutMs: 300 });
  const took = performance.now() - started;
  assert.equal(r.kind, 'failure');
  if (r.kind === 'failure') {
    assert.equal(r.reason, 'timeout');
    assert.equal(r.connected, true);
    assert.match(r.message, /no sign of progress for 300 ms/);
  }
  assert.ok(took >= 290 && took < 1_500, `cut by the idle timeout after ${Math.round(took)} ms`);
});

test('the per-try idle timeout always ends a silent try, even when its timer fires a fraction early', async () => {
  // Node may run a timer a fraction of a millisecond before performance.now() says it is due: a verdict that
  // compared clocks then found "not yet" and never fired again, and the try hung until the route timeout.
  holdMs = 0;
  answerAfterMs = 3_000;
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 20 }, () => attempt({ timeoutMs: 0, idleTimeoutMs: 50 })));
  assert.deepEqual(
    results.map((r) => (r.kind === 'failure' ? r.reason : r.kind)),
    results.map(() => 'timeout'),
  );
  assert.ok(performance.now() - started < 2_000, 'every try was cut by the idle timeout, not the answer');
});

test('a reset on a pooled connection before any answer is stale (the host is not to blame); on a new one it is not', async () => {
  let requests = 0;
  // Answers the first request of a connection and resets the connection on the next, as a server whose keep-alive
  // timeout closed it does to a request that was already on its way.
  const server = http.createServer((req, res) => {
    requests++;
    if (requests === 2) return void req.socket.resetAndDestroy();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const plain = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const host = {
    key: 'p',
    endpoint: { host: '127.0.0.1', port: (server.address() as AddressInfo).port, healthy: true, weight: 1 },
  } as unknown as Host;
  const run = () =>
    runAttempt({
      host,
      method: 'GET',
      path: '/',
      headers: {},
      body: { attach: (req: ClientRequest) => req.end(), detach: () => {} } as unknown as RequestBody,
      agents: { plain } as unknown as UpstreamAgents,
      sni: undefined,
      connectTimeoutMs: 2_000,
      timeoutMs: 2_000,
    });
  try {
    const first = await run();
    assert.equal(first.kind, 'response');
    if (first.kind === 'response') await new Promise((r) => first.res.resume().on('end', r));
    await new Promise((r) => setImmediate(r));
    const second = await run();
    assert.equal(second.kind, 'failure');
    if (second.kind === 'failure') {
      assert.equal(second.reason, 'reset');
      assert.equal(second.stale, true, second.message);
    }
    assert.equal(outcomeOf(second), undefined, 'not held against the host by outlier detection');
    // A reset on a connection made for this request is the host's doing.
    requests = 1;
    plain.destroy();
    const third = await run();
    assert.equal(third.kind, 'failure');
    if (third.kind === 'failure') assert.equal(third.stale, undefined, third.message);
    assert.equal(outcomeOf(third), 'local-origin');
  } finally {
    plain.destroy();
    server.close();
  }
});
