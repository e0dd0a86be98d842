import { test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createRootCA, issueWorkloadCert } from '../../identity/index.js';
import { probeOnce } from './probe.js';

test('a peer trickling its answer cannot hold a probe past its deadline (hostile)', async () => {
  const ca = await createRootCA({ commonName: 'test root' });
  const server = await issueWorkloadCert({
    ca,
    identity: { trustDomain: 'cluster-2.local', namespace: 'bookinfo', serviceAccount: 'details' },
  });
  const client = await issueWorkloadCert({
    ca,
    identity: { trustDomain: 'cluster-1.local', namespace: 'istio-system', serviceAccount: 'meshbridge-prober' },
  });
  const timers: NodeJS.Timeout[] = [];
  const srv = tls.createServer({ cert: server.certPem, key: server.keyPem }, (socket) => {
    socket.on('error', () => {});
    // Headers promise a long body, then one byte every 100 ms: never idle, never done.
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n');
    const t = setInterval(() => socket.write('x'), 100);
    timers.push(t);
    socket.on('close', () => clearInterval(t));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const { port } = srv.address() as AddressInfo;
    const started = Date.now();
    const r = await probeOnce(
      { address: '127.0.0.1', port, sni: 'outbound_.9080_._.details.bookinfo.svc.cluster.local' },
      { certPem: client.certPem, keyPem: client.keyPem, rootPem: ca.certPem },
      600,
    );
    const took = Date.now() - started;
    assert.equal(r.ok, false);
    assert.equal(r.ok ? '' : r.reason, 'RemoteServiceUnavailable');
    assert.match(r.ok ? '' : r.message, /no complete answer within/);
    assert.ok(took < 1500, `resolved after ${took} ms`);
  } finally {
    timers.forEach(clearInterval);
    srv.close();
  }
});
