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
import { uriSans } from '../../identity/index.js';
import type { Writable } from 'node:stream';
import type { UpstreamAgents } from './upstream.js';
import type { TryCancel } from './try-cancel.js';

/** SPIFFE ID each pooled mTLS connection's server proved during its handshake. */
const provenIdentity = new WeakMap<Socket, string>();

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
    let connected = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (r: AttemptResult): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
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
      finish({ kind: 'failure', reason, connected, host: o.host, message, ...(stale ? { stale } : {}) });
      req.destroy();
    };
    const idleMs = o.idleTimeoutMs ?? 0;
    let idle: NodeJS.Timeout | undefined;
    let progress = 0;
    // Timers run before pending I/O: after this process stalled, the timer may fire while the peer's 102 already
    // waits in the socket. The verdict is taken after the poll phase (setImmediate), which reads it first; a 102
    // read there counts as progress and has re-armed the timer.
    const onIdle = (): void => {
      const seen = progress;
      setImmediate(() => {
        if (progress === seen) fail('timeout', `no sign of progress for ${idleMs} ms`);
      });
    };
    const armIdle = (): void => {
      if (idleMs <= 0 || settled) return;
      progress++;
      if (idle) idle.refresh();
      else timers.push((idle = setTimeout(onIdle, idleMs)));
    };
    const onReady = (): void => {
      connected = true;
      if (o.timeoutMs > 0 && !settled) {
        timers.push(setTimeout(() => fail('timeout', `no response within ${o.timeoutMs} ms`), o.timeoutMs));
      }
      armIdle();
    };
    // Interim responses (102 from a peer's inbound listener) prove the peer alive and working on this request.
    req.on('information', armIdle);
    req.on('socket', (s: Socket) => {
      if (req.reusedSocket) {
        // A pooled connection was checked against the SANs of its time; the endpoint's may have changed since.
        const proven = provenIdentity.get(s);
        if (tls && (!proven || !o.host.endpoint.subjectAltNames?.includes(proven))) {
          return fail('connect', `pooled connection's server identity ${proven ?? '(unknown)'} is no longer expected`);
        }
        return onReady();
      }
      s.once(tls ? 'secureConnect' : 'connect', () => {
        // checkServerIdentity already accepted this server; remember who it is for reuse from the pool.
        if (tls) provenIdentity.set(s, uriSans((s as TLSSocket).getPeerCertificate().subjectaltname)[0] ?? '');
        onReady();
      });
      timers.push(
        setTimeout(() => {
          if (!connected) fail('connect', `connect timeout after ${o.connectTimeoutMs} ms`);
        }, o.connectTimeoutMs),
      );
    });
    o.cancel?.onCancel(() => fail('reset', 'cancelled: another try answered first'));
    req.on('response', (res) => finish({ kind: 'response', res, host: o.host }));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason = !connected ? 'connect' : 'reset';
      // After a response (or a cancel) `finish` has settled and ignores this: what counts is before any answer.
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      fail(reason, `${err.code ?? 'error'}: ${err.message}`, stale);
    });
    o.body.attach(req);
  });
}
