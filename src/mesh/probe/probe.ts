/**
 * One remote-service probe, as a client sidecar would reach the service: TCP to the entry's address (the remote
 * East-West gateway), TLS with the service's SNI, ALPN `istio` and the prober's mesh certificate, the server
 * verified as a SPIFFE workload under the mesh root, then `GET /` with the probe header (src/xds/probe.ts), which
 * the service's sidecar answers itself. Each stage's failure names a different culprit (verdict.ts).
 */
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import { verifyPeer } from '../../identity/index.js';
import { PROBE_HEADER, PROBE_VALUE } from '../../xds/index.js';
import type { ProbeResult } from './verdict.js';

/** How much of a probe's answer is kept (for the verdict's message). */
const MAX_ANSWER_CHARS = 512;

/** The prober's TLS material. */
export interface ProbeTls {
  readonly certPem: string;
  readonly keyPem: string;
  readonly rootPem: string;
}

/** Probes `address:port` for the service named by `sni`; resolves, never rejects. */
export async function probeOnce(
  target: { address: string; port: number; sni: string },
  material: ProbeTls,
  timeoutMs = 2000,
): Promise<ProbeResult> {
  const deadline = Date.now() + timeoutMs;
  const left = (): number => Math.max(1, deadline - Date.now());
  const socket = await connectTcp(target.address, target.port, left());
  if (typeof socket === 'string') {
    return { ok: false, reason: 'GatewayUnreachable', message: `${target.address}:${target.port}: ${socket}` };
  }
  const secure = await handshake(socket, target.sni, material, left());
  if (typeof secure === 'string') {
    return {
      ok: false,
      reason: 'RemoteServiceUnavailable',
      message: `the gateway at ${target.address}:${target.port} passed no mTLS session through for ${target.sni}: ${secure}`,
    };
  }
  const answer = await request(secure, left());
  secure.destroy();
  if (answer.status === 200) return { ok: true };
  if (answer.status === 503) {
    return { ok: false, reason: 'RemoteApplicationDown', message: `the remote sidecar says: ${answer.text}` };
  }
  return {
    ok: false,
    reason: 'RemoteServiceUnavailable',
    message: answer.status ? `the probe got HTTP ${answer.status}` : `the probe got no answer: ${answer.text}`,
  };
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket | string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(`no TCP connection within ${timeoutMs} ms`);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
  });
}

function handshake(socket: net.Socket, sni: string, m: ProbeTls, timeoutMs: number): Promise<tls.TLSSocket | string> {
  return new Promise((resolve) => {
    const roots = [new X509Certificate(m.rootPem)];
    const s = tls.connect({
      socket,
      servername: sni,
      ALPNProtocols: ['istio'],
      cert: m.certPem,
      key: m.keyPem,
      ca: m.rootPem,
      minVersion: 'TLSv1.2',
      // A SPIFFE workload, not a host name: the chain is checked by OpenSSL against the mesh root, the identity here.
      checkServerIdentity: (_host, cert) => {
        if (!cert.raw) return new Error('the server presented no certificate');
        const verdict = verifyPeer([new X509Certificate(cert.raw)], roots);
        return verdict.ok ? undefined : new Error(`server identity refused: ${verdict.reason}`);
      },
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(`no handshake within ${timeoutMs} ms`);
    }, timeoutMs);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      resolve(err.code === 'ECONNRESET' || !err.code ? 'the connection was closed' : `${err.code}: ${err.message}`);
    });
    s.once('close', () => {
      clearTimeout(timer);
      resolve('the connection was closed');
    });
  });
}

function request(socket: tls.TLSSocket, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { status: number; text: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // A deadline for the whole answer, not an idle timeout: a peer trickling bytes must not hold the round.
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, text: `no complete answer within ${timeoutMs} ms` });
    }, timeoutMs);
    const req = http.request({
      createConnection: () => socket,
      method: 'GET',
      path: '/',
      headers: { host: 'probe', [PROBE_HEADER]: PROBE_VALUE, connection: 'close' },
    });
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < MAX_ANSWER_CHARS) text += chunk.slice(0, MAX_ANSWER_CHARS - text.length);
      });
      res.once('end', () => done({ status: res.statusCode ?? 0, text: text.trim() }));
      res.once('error', () => done({ status: 0, text: text.trim() || 'the answer broke off' }));
    });
    req.once('error', (err: NodeJS.ErrnoException) => done({ status: 0, text: err.code ?? err.message }));
    req.end();
  });
}
