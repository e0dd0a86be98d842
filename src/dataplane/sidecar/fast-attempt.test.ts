/**
 * One fast-path attempt on real sockets: pooled reuse (plaintext and mTLS), the endpoint's SPIFFE identity checked
 * in the handshake and again on reuse after the expected list changed, the per-try and per-try idle timeouts (an
 * interim 102 is progress), and cancellation. The mTLS pieces are the sidecar's own (UpstreamAgents over a
 * workload directory), so the checks are the real ones.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestPki } from '../../../test/support/pki.js';
import type { Host } from '../balancer/cluster-balancer.js';
import { SocketPool } from '../http1/socket-pool.js';
import { BufferedBody, runFastAttempt, type FastAttemptOptions, type FastResponse } from './fast-attempt.js';
import type { AttemptResult } from './attempt.js';
import { TlsMaterial } from './tls-material.js';
import { TryCancel } from './try-cancel.js';
import { UpstreamAgents } from './upstream.js';

const DETAILS = 'spiffe://cluster-1.local/ns/bookinfo/sa/details';
const REVIEWS = 'spiffe://cluster-1.local/ns/bookinfo/sa/reviews';
/** Per path: answer after this many ms, sending `102 Processing` every `every` ms meanwhile (0 = never). */
const plan = { afterMs: 0, every: 0 };
const stats = { connections: 0, requests: 0 };

function handler(_req: http.IncomingMessage, res: http.ServerResponse): void {
  stats.requests++;
  const ticks = plan.every > 0 ? setInterval(() => res.writeProcessing(), plan.every) : undefined;
  setTimeout(() => {
    clearInterval(ticks);
    res.end('answer');
  }, plan.afterMs);
}

let plain: http.Server;
let secure: https.Server;
let tls: TlsMaterial;
let agents: UpstreamAgents;
let pool: SocketPool;

before(async () => {
  const pki = await createTestPki();
  const serverCert = await pki.issue('cluster-1.local', 'bookinfo', 'details');
  plain = http.createServer(handler);
  secure = https.createServer({ cert: serverCert.certPem, key: serverCert.keyPem }, handler);
  for (const s of [plain, secure]) {
    s.on('connection', () => stats.connections++);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  }
  tls = new TlsMaterial(await pki.workloadDir('cluster-1.local', 'bookinfo', 'productpage'), 60_000);
  agents = new UpstreamAgents(tls);
  pool = new SocketPool();
});

after(() => {
  pool.destroy();
  agents.destroy();
  tls.stop();
  for (const s of [plain, secure]) {
    s.closeAllConnections();
    s.close();
  }
});

function attempt(
  server: http.Server,
  o: Partial<FastAttemptOptions> & { expected?: string[] } = {},
): Promise<AttemptResult<FastResponse>> {
  const port = (server.address() as AddressInfo).port;
  const secured = server === secure;
  const host = {
    key: `127.0.0.1:${port}`,
    endpoint: { host: '127.0.0.1', port, healthy: true, weight: 1, tlsMode: secured ? 'istio' : 'disabled' },
  } as unknown as Host;
  const expected = o.expected ?? [DETAILS];
  const context = agents.mtlsContext();
  return runFastAttempt({
    host,
    method: 'GET',
    head: 'GET / HTTP/1.1\r\nhost: details\r\n\r\n',
    body: new BufferedBody(Buffer.alloc(0)),
    pool,
    connectTimeoutMs: 2_000,
    timeoutMs: 1_000,
    ...(secured
      ? {
          tls: {
            pool: {
              options: { secureContext: context.context, checkServerIdentity: agents.checkServerFor(expected) },
              poolKey: `details|${context.generation}`,
            },
            expected,
          },
        }
      : {}),
    ...o,
  });
}

/** Relays a response's whole body; resolves with it once the attempt's connection went back to the pool. */
function body(r: AttemptResult<FastResponse>): Promise<string> {
  assert.equal(r.kind, 'response', r.kind === 'failure' ? r.message : '');
  if (r.kind !== 'response') return Promise.resolve('');
  let text = '';
  return new Promise((resolve, reject) =>
    r.res.relay(
      (chunk) => {
        text += chunk.toString();
        return true;
      },
      (go) => go(),
      (ok) => (ok ? resolve(text) : reject(new Error('relay failed'))),
    ),
  );
}

describe('runFastAttempt', () => {
  it('reuses a pooled plaintext connection for the next attempt', async () => {
    plan.afterMs = 0;
    plan.every = 0;
    const before = stats.connections;
    assert.equal(await body(await attempt(plain)), 'answer');
    assert.equal(await body(await attempt(plain)), 'answer');
    assert.equal(stats.connections - before, 1);
  });

  it('refuses, in the handshake, an mTLS server that is not an expected identity: nothing reaches its app', async () => {
    const before = stats.requests;
    const r = await attempt(secure, { expected: [REVIEWS] });
    assert.equal(r.kind, 'failure');
    if (r.kind === 'failure') {
      assert.equal(r.reason, 'connect');
      assert.match(r.message, /server identity refused/);
    }
    assert.equal(stats.requests, before);
  });

  it("reuses an mTLS connection only while its server's proven identity is still expected", async () => {
    const before = stats.connections;
    const requestsBefore = stats.requests;
    assert.equal(await body(await attempt(secure)), 'answer');
    assert.equal(await body(await attempt(secure)), 'answer');
    assert.equal(stats.connections - before, 1, 'the second attempt reused the first connection');
    // The endpoint now names another identity (EDS changed): the pooled connection must not carry a request.
    const r = await attempt(secure, { expected: [REVIEWS] });
    assert.equal(r.kind, 'failure');
    if (r.kind === 'failure') assert.match(r.message, /no longer expected/);
    assert.equal(stats.requests - requestsBefore, 2, 'no request sent on the refused connection');
  });

  it('ends a try on the per-try timeout once connected, and a silent one on the idle timeout', async () => {
    plan.afterMs = 600;
    plan.every = 0;
    const timedOut = await attempt(plain, { timeoutMs: 150 });
    assert.equal(timedOut.kind, 'failure');
    if (timedOut.kind === 'failure') {
      assert.equal(timedOut.reason, 'timeout');
      assert.equal(timedOut.connected, true);
    }
    const idle = await attempt(plain, { timeoutMs: 0, idleTimeoutMs: 150 });
    assert.equal(idle.kind, 'failure');
    if (idle.kind === 'failure') assert.match(idle.message, /no sign of progress/);
  });

  it('takes interim 102s as progress: a slow server that says so is waited for', async () => {
    plan.afterMs = 500;
    plan.every = 50;
    assert.equal(await body(await attempt(secure, { timeoutMs: 0, idleTimeoutMs: 150 })), 'answer');
  });

  it('resolves a cancelled try as a reset', async () => {
    plan.afterMs = 1_000;
    plan.every = 0;
    const cancel = new TryCancel();
    const pending = attempt(plain, { cancel });
    setTimeout(() => cancel.cancel(), 50);
    const r = await pending;
    assert.equal(r.kind, 'failure');
    if (r.kind === 'failure') assert.match(r.message, /cancelled/);
  });
});
