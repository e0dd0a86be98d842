/**
 * Upstream connections: one keep-alive agent for plaintext endpoints and one mTLS agent per certificate
 * generation. mTLS presents the workload certificate, sends Istio's SNI for the cluster, and checks that the
 * server presents a SPIFFE workload certificate under the mesh root (verifyPeer) whose ID is one the endpoint is
 * expected to present (its `subjectAltNames`, the service accounts behind the service), not a DNS name.
 */
import type { PeerCertificate } from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { verifyPeer } from '../../identity/index.js';
import type { TlsMaterial } from './tls-material.js';
import { SocketPool } from '../http1/socket-pool.js';

/** Idle keep-alive sockets are dropped after 4 s, before Node servers' 5 s keepAliveTimeout closes them. */
const IDLE_MS = 4000;

/** Agent pool of a proxy. */
export class UpstreamAgents {
  readonly plain = new http.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' });
  /** Keep-alive connections (plaintext and mTLS) of the outbound fast path (sidecar/fast-outbound.ts). */
  readonly raw = new SocketPool();
  private tlsAgent: https.Agent | undefined;
  private tlsGeneration = -1;
  private fastContext: { context: tls.SecureContext; generation: number } | undefined;

  constructor(private readonly tls: TlsMaterial | undefined) {}

  /** The mTLS agent for the current certificate (rebuilt after rotation; old sockets drain naturally). */
  mtls(): https.Agent {
    if (!this.tls) throw new Error('no workload certificate loaded');
    if (!this.tlsAgent || this.tlsGeneration !== this.tls.generation) {
      this.tlsAgent?.destroy();
      const m = this.tls.current;
      this.tlsAgent = new https.Agent({
        keepAlive: true,
        timeout: IDLE_MS,
        scheduling: 'lifo',
        cert: m.certPem,
        key: m.keyPem,
        ca: m.rootPem,
        minVersion: 'TLSv1.2',
        // No TLS session resumption: Node skips checkServerIdentity on a resumed session and the peer certificate
        // is then unavailable, so the destination's identity would go unchecked (and pooled reuse could not be
        // re-checked). Connections are pooled, so full handshakes stay rare.
        maxCachedSessions: 0,
      });
      this.tlsGeneration = this.tls.generation;
    }
    return this.tlsAgent;
  }

  /**
   * The fast path's mTLS client context (sidecar/fast-attempt.ts): the same certificate, roots and TLS 1.2 floor as
   * the agent, built once per certificate generation. Connections made with it offer no session to resume, so the
   * server's identity is checked on every handshake, as with the agent.
   */
  mtlsContext(): { context: tls.SecureContext; generation: number } {
    if (!this.tls) throw new Error('no workload certificate loaded');
    if (!this.fastContext || this.fastContext.generation !== this.tls.generation) {
      const m = this.tls.current;
      const context = tls.createSecureContext({ cert: m.certPem, key: m.keyPem, ca: m.rootPem, minVersion: 'TLSv1.2' });
      this.fastContext = { context, generation: this.tls.generation };
    }
    return this.fastContext;
  }

  /**
   * `checkServerIdentity` for mTLS to an endpoint expecting `expected` SPIFFE IDs: the server must be a SPIFFE
   * workload under our root presenting one of them. No list (the control plane named none) refuses every server:
   * an unnamed identity is never trusted. Runs inside the handshake, before any request byte is written.
   */
  checkServerFor(expected: readonly string[] | undefined): (host: string, cert: PeerCertificate) => Error | undefined {
    return (_host, cert) => {
      if (!this.tls) return new Error('no trust bundle');
      if (!cert.raw) return new Error('server presented no certificate');
      return checkIdentity(verifyPeer([new X509Certificate(cert.raw)], this.tls.roots), expected);
    };
  }

  destroy(): void {
    this.plain.destroy();
    this.raw.destroy();
    this.tlsAgent?.destroy();
  }
}

/** The error for a verified (or refused) server identity against the expected SPIFFE IDs, or undefined if fine. */
export function checkIdentity(
  verdict: ReturnType<typeof verifyPeer>,
  expected: readonly string[] | undefined,
): Error | undefined {
  if (!verdict.ok) return new IdentityError(`server identity refused: ${verdict.reason}: ${verdict.detail}`);
  if (!expected?.includes(verdict.uri)) {
    const want = expected?.length ? expected.join(', ') : '(none named by the control plane)';
    return new IdentityError(`server identity refused: ${verdict.uri} is not the destination's (${want})`);
  }
  return undefined;
}

/** A server presented an identity other than the destination service's. */
export class IdentityError extends Error {
  readonly code = 'MB0902';
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}
