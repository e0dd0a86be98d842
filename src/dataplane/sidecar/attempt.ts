/**
 * One upstream attempt of an outbound request: connect (plain or mTLS), stream the body, wait for response
 * headers within the per-try timeout. Resolves with the response or a classified failure; never rejects.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Host } from '../balancer/cluster-balancer.js';
import type { TLSSocket } from 'node:tls';
import type { Writable } from 'node:stream';
import type { UpstreamAgents } from './upstream.js';
import type { TryCancel } from './try-cancel.js';
import { pooledIdentityRefusal, rememberPeerIdentity, TryClock } from './try-clock.js';

/** Outcome of an attempt; `R` is the response: Node's IncomingMessage here, the fast path's own (fast-attempt.ts). */
export type AttemptResult<R = IncomingMessage> =
  | { kind: 'response'; res: R; host: Host }
  | {
      kind: 'failure';
      reason: 'connect' | 'reset' | 'timeout';
      connected: boolean;
      host: Host;
      message: string;
      /**
       * Reset on a pooled keep-alive connection before any byte of an answer. Most often the race every HTTP/1.1
       * client pool has with the server's keep-alive timeout (the request never reached the application), but a
       * peer that died while holding the request looks the same: the failure alone says nothing sure about the
       * host. A dead peer still shows itself through its refused new connections.
       */
      stale?: boolean;
    };

/** Inputs of {@link runAttempt}. */
export interface AttemptOptions {
  host: Host;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  /** Streams the body into the attempt's request (body.ts; the fast path's whole buffered body). */
  body: { attach(sink: Writable): void; detach(): void };
  agents: UpstreamAgents;
  sni: string | undefined;
  connectTimeoutMs: number;
  /**
   * The per-try timeout: time allowed from the connection being ready (new and handshaken, or taken from the pool)
   * until response headers (0 = none). As in Envoy, whose router arms it when the pool hands over a connection,
   * connecting is bounded by `connectTimeoutMs` instead, so a slow TLS handshake is not mistaken for a silent
   * backend and thrown away on retry. The route timeout, which bounds all tries with their connecting, is the retry
   * loop's (retry-loop.ts).
   */
  timeoutMs: number;
  /**
   * The per-try idle timeout: time allowed without a sign of progress from the upstream, from the connection being
   * ready until response headers (0 = none). Every interim (1xx) response restarts it: a meshbridge inbound
   * listener sends `102 Processing` while its application works, so only a silent peer reaches it.
   */
  idleTimeoutMs?: number;
  /** Cancels the attempt (another try won): it resolves as a `reset` failure and its request is destroyed. */
  cancel?: TryCancel;
}

/** Runs one attempt. The caller owns the response stream when `kind === 'response'`. */
export function runAttempt(o: AttemptOptions): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const tls = o.host.endpoint.tlsMode === 'istio';
    let settled = false;
    const finish = (r: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clock.stop();
      if (r.kind === 'failure') o.body.detach();
      resolve(r);
    };
    const common = {
      host: o.host.endpoint.host,
      port: o.host.endpoint.port,
      method: o.method,
      path: o.path,
      headers: o.headers,
    };
    const req = tls
      ? https.request({
          ...common,
          agent: o.agents.mtls(),
          ...(o.sni ? { servername: o.sni } : {}),
          checkServerIdentity: o.agents.checkServerFor(o.host.endpoint.subjectAltNames),
        })
      : http.request({ ...common, agent: o.agents.plain });
    const fail = (reason: 'connect' | 'reset' | 'timeout', message: string, stale = false): void => {
      const connected = clock.connected;
      finish({ kind: 'failure', reason, connected, host: o.host, message, ...(stale ? { stale } : {}) });
      req.destroy();
    };
    const clock = new TryClock(o, fail);
    // Interim responses (102 from a peer's inbound listener) prove the peer alive and working on this request.
    req.on('information', clock.progressed);
    req.on('socket', (s: Socket) => {
      if (req.reusedSocket) {
        const refusal = tls ? pooledIdentityRefusal(s, o.host.endpoint.subjectAltNames) : undefined;
        if (refusal) return fail('connect', refusal);
        return clock.ready();
      }
      s.once(tls ? 'secureConnect' : 'connect', () => {
        if (tls) rememberPeerIdentity(s as TLSSocket);
        clock.ready();
      });
      clock.connecting();
    });
    o.cancel?.onCancel(() => fail('reset', 'cancelled: another try answered first'));
    req.on('response', (res) => finish({ kind: 'response', res, host: o.host }));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason = !clock.connected ? 'connect' : 'reset';
      // After a response (or a cancel) `finish` has settled and ignores this: what counts is before any answer.
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      fail(reason, `${err.code ?? 'error'}: ${err.message}`, stale);
    });
    o.body.attach(req);
  });
}
