/**
 * Upstream connections: one keep-alive agent for plaintext endpoints and one mTLS agent per certificate
 * generation. mTLS presents the workload certificate, sends Istio's SNI for the cluster, and checks that the
 * server presents a SPIFFE workload certificate under the mesh root (verifyPeer), not a DNS name.
 */
import type { PeerCertificate } from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { verifyPeer } from '../../identity/index.js';
import type { TlsMaterial } from './tls-material.js';

/** Idle keep-alive sockets are dropped after 4 s, before Node servers' 5 s keepAliveTimeout closes them. */
const IDLE_MS = 4000;

/** Agent pool of a proxy. */
export class UpstreamAgents {
  readonly plain = new http.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' });
  private tlsAgent: https.Agent | undefined;
  private tlsGeneration = -1;

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
      });
      this.tlsGeneration = this.tls.generation;
    }
    return this.tlsAgent;
  }

  /** `checkServerIdentity` for mTLS: the server must be a SPIFFE workload under our root. */
  checkServer = (_host: string, cert: PeerCertificate): Error | undefined => {
    if (!this.tls) return new Error('no trust bundle');
    if (!cert.raw) return new Error('server presented no certificate');
    const r = verifyPeer([new X509Certificate(cert.raw)], this.tls.roots);
    return r.ok ? undefined : new Error(`server identity refused: ${r.reason}: ${r.detail}`);
  };

  destroy(): void {
    this.plain.destroy();
    this.tlsAgent?.destroy();
  }
}
