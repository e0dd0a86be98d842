// Outbound identity on every new connection: Node skips `checkServerIdentity` when a TLS session is resumed, so a
// sidecar whose mTLS agent cached sessions would check the destination's identity on the first connection only,
// and could not re-check a pooled connection (a resumed session shows no peer certificate). Each new connection
// must make a full handshake whose server identity is checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type tls from 'node:tls';
import { TlsMaterial } from '../../src/dataplane/sidecar/tls-material.js';
import { UpstreamAgents } from '../../src/dataplane/sidecar/upstream.js';
import { createTestPki, type TestPki } from '../support/pki.js';

let pki: TestPki;
let server: tls.Server & https.Server;
let port = 0;
let material: TlsMaterial;

before(async () => {
  pki = await createTestPki();
  const serverCert = await pki.issue('cluster-2.local', 'bookinfo', 'bookinfo-details');
  server = https.createServer(
    { cert: serverCert.certPem, key: serverCert.keyPem, ca: pki.root.certPem, requestCert: true },
    (_req, res) => res.end('ok'),
  ) as tls.Server & https.Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  material = new TlsMaterial(await pki.workloadDir('cluster-1.local', 'bookinfo', 'productpage'));
});

after(async () => {
  material?.stop();
  await new Promise<void>((r) => server.close(() => r()));
});

/** One GET on a fresh connection (the agent's pool is emptied first), counting identity checks. */
function getOnNewConnection(agent: https.Agent, check: (h: string, c: tls.PeerCertificate) => Error | undefined) {
  return new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        agent,
        servername: 'outbound_.9080_._.details',
        checkServerIdentity: check,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const socket = req.socket as tls.TLSSocket;
          const reused = socket.isSessionReused();
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, reused });
        });
      },
    );
    req.setHeader('connection', 'close');
    req.on('error', reject);
    req.end();
  });
}

test('every new mTLS connection of a sidecar checks the server identity (no session resumption)', async () => {
  const agents = new UpstreamAgents(material);
  const expected = ['spiffe://cluster-2.local/ns/bookinfo/sa/bookinfo-details'];
  let checks = 0;
  const check = agents.checkServerFor(expected);
  const counting = (h: string, c: tls.PeerCertificate): Error | undefined => {
    checks++;
    return check(h, c);
  };
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await getOnNewConnection(agents.mtls(), counting));
  agents.destroy();
  assert.deepEqual(
    results.map((r) => r.status),
    [200, 200, 200],
  );
  assert.deepEqual(
    results.map((r) => r.reused),
    [false, false, false],
    'no connection resumed a TLS session',
  );
  assert.equal(checks, 3, 'the identity was checked on each of the 3 connections');
});
