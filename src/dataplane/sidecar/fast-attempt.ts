/**
 * One upstream attempt of the fast path (fast-outbound.ts): the request written in one go on a pooled plaintext or
 * mTLS connection, the response head read with the strict parser (http1/head.ts), its body relayed as it arrives. The
 * timers are attempt.ts's: connect timeout until connected, then the per-try timeout and the per-try idle timeout
 * (every interim 1xx answer counts as progress) until the response head. Resolves with the response or a
 * classified failure; never rejects.
 */
import type { Writable } from 'node:stream';
import type { Host } from '../balancer/cluster-balancer.js';
import { ByteQueue } from '../http1/byte-queue.js';
import { ChunkedFraming } from '../http1/chunked.js';
import {
  MAX_HEAD_BYTES,
  parseResponseHead,
  ResponseHeadError,
  type HeaderPair,
  type ResponseHead,
} from '../http1/head.js';
import type { PoolTls, PooledSocket, SocketPool } from '../http1/socket-pool.js';
import type { TLSSocket } from 'node:tls';
import type { AttemptResult } from './attempt.js';
import type { TryCancel } from './try-cancel.js';
import { IDEMPOTENT } from './body.js';
import { pooledIdentityRefusal, rememberPeerIdentity, TryClock } from './try-clock.js';

const CRLF2 = Buffer.from('\r\n\r\n');

/** A request body the fast path has read whole (it takes only bodies of a known, small length). */
export class BufferedBody {
  /** True once the body was handed to an attempt (body.ts's rule). */
  bodyBytesSent = false;
  constructor(readonly bytes: Buffer) {}

  /** As RequestBody: another attempt may replay the body unless a non-idempotent one already reached a peer. */
  canReplay(method: string, connected: boolean): boolean {
    return !connected || !this.bodyBytesSent || IDEMPOTENT.has(method);
  }

  canHedge(method: string): boolean {
    return !this.bodyBytesSent || IDEMPOTENT.has(method);
  }

  detach(): void {}

  /** Writes the body into a Node request (a try through attempt.ts: an mTLS upstream). */
  attach(sink: Writable): void {
    if (this.bytes.length > 0) this.bodyBytesSent = true;
    sink.end(this.bytes);
  }
}

/** Inputs of {@link runFastAttempt}. */
export interface FastAttemptOptions {
  host: Host;
  method: string;
  /** The request head, ready to write (`METHOD path HTTP/1.1\r\n...\r\n\r\n`). */
  head: string;
  body: BufferedBody;
  pool: SocketPool;
  /**
   * For an mTLS endpoint: how to connect, and the SPIFFE IDs the server may present (upstream.ts's rule: checked in
   * the handshake, and again against the endpoint's current list when a pooled connection is reused).
   */
  tls?: { pool: PoolTls; expected: readonly string[] | undefined };
  connectTimeoutMs: number;
  timeoutMs: number;
  idleTimeoutMs?: number;
  cancel?: TryCancel;
}

/** An upstream response the fast path relays to its app. */
export interface RelayedResponse {
  readonly statusCode: number;
  readonly reason: string;
  /** Headers as received (names lower case), hop-by-hop ones included: the writer drops them. */
  readonly headerPairs: readonly HeaderPair[];
  /** The body as relayed: raw chunked bytes, a declared length, or bytes of unknown length (the writer chunks them). */
  readonly bodyFraming: 'chunked' | 'length' | 'unknown';
  header(name: string): string | undefined;
  relay(write: (chunk: Buffer) => boolean, resumeOn: (go: () => void) => void, done: (ok: boolean) => void): void;
  resume(): void;
  destroy(): void;
}

/** An upstream response whose head has been read; the caller relays or discards its body. */
export class FastResponse implements RelayedResponse {
  private settled = false;
  /** While relaying: ends the relay as failed (the app went away). */
  private abort: (() => void) | undefined;

  constructor(
    readonly head: ResponseHead,
    private readonly conn: PooledSocket,
    private readonly pool: SocketPool,
    /** Bytes read past the head: the start of the body. */
    private readonly rest: Buffer,
  ) {}

  get statusCode(): number {
    return this.head.status;
  }

  get reason(): string {
    return this.head.reason;
  }

  get headerPairs(): readonly HeaderPair[] {
    return this.head.headers;
  }

  get bodyFraming(): RelayedResponse['bodyFraming'] {
    const kind = this.head.framing.kind;
    return kind === 'chunked' ? 'chunked' : kind === 'length' ? 'length' : 'unknown';
  }

  /** The first value of a header (names lower case). */
  header(name: string): string | undefined {
    for (const [n, v] of this.head.headers) if (n === name) return v;
    return undefined;
  }

  /**
   * Relays the body's bytes to `write` as they arrive (`write` returns false to ask for a pause, then `resumeOn`'s
   * callback resumes). Calls `done(true)` once the whole body has passed (the connection goes back to the pool when
   * it can carry another request), `done(false)` if the upstream broke off or framed its body badly.
   */
  relay(write: (chunk: Buffer) => boolean, resumeOn: (go: () => void) => void, done: (ok: boolean) => void): void {
    const s = this.conn.socket;
    const framing = this.head.framing;
    let left = framing.kind === 'length' ? framing.length : Infinity;
    const chunked = framing.kind === 'chunked' ? new ChunkedFraming() : undefined;
    const finish = (ok: boolean, reusable: boolean): void => {
      if (this.settled) return;
      this.settled = true;
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
      s.off('close', onClose);
      if (ok && reusable && !this.head.close) this.pool.release(this.conn);
      else s.destroy();
      done(ok);
    };
    const onData = (chunk: Buffer): void => {
      let body = chunk;
      let end = -1;
      try {
        if (chunked) end = chunked.feed(chunk);
        else if (framing.kind === 'length') end = chunk.length >= left ? left : -1;
      } catch (err) {
        if (err instanceof ResponseHeadError) return finish(false, false);
        throw err;
      }
      if (end >= 0) body = chunk.subarray(0, end);
      else if (framing.kind === 'length') left -= chunk.length;
      if (body.length > 0 && !write(body)) {
        s.pause();
        resumeOn(() => s.resume());
      }
      // Bytes past the body's end were never asked for: the connection is not reused.
      if (end >= 0) finish(true, end === chunk.length);
    };
    const onEnd = (): void => finish(framing.kind === 'close', false);
    const onError = (): void => finish(false, false);
    const onClose = (): void => finish(framing.kind === 'close', false);
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('error', onError);
    s.on('close', onClose);
    this.abort = () => finish(false, false);
    if (framing.kind === 'length' && framing.length === 0) return finish(true, this.rest.length === 0);
    if (this.rest.length > 0) onData(this.rest);
    if (!this.settled) s.resume();
  }

  /** Discards the response (its connection is closed, not reused). */
  resume(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.abort) return this.abort();
    if (this.settled) return;
    this.settled = true;
    this.conn.socket.destroy();
  }
}

/** Runs one attempt. The caller owns the response when `kind === 'response'`. */
export function runFastAttempt(o: FastAttemptOptions): Promise<AttemptResult<FastResponse>> {
  return new Promise((resolve) => {
    // As body.ts: the body counts as sent once handed to an attempt, so no hedge starts beside a try that may
    // deliver it (a connect failure still allows a retry: nothing reached a peer).
    if (o.body.bytes.length > 0) o.body.bodyBytesSent = true;
    const conn = o.pool.acquire(o.host.endpoint.host, o.host.endpoint.port, o.tls?.pool);
    const s = conn.socket;
    let settled = false;
    let received = 0;
    const queue = new ByteQueue();
    const cleanup = (): void => {
      clock.stop();
      s.off('data', onData);
      s.off('error', onError);
      s.off('close', onClose);
      s.off(o.tls ? 'secureConnect' : 'connect', onConnected);
      o.cancel?.off();
    };
    const fail = (reason: 'connect' | 'reset' | 'timeout', message: string, stale = false): void => {
      if (settled) return;
      settled = true;
      cleanup();
      s.destroy();
      const connected = clock.connected;
      resolve({ kind: 'failure', reason, connected, host: o.host, message, ...(stale ? { stale } : {}) });
    };
    const clock = new TryClock(o, fail);
    function onReady(): void {
      clock.ready();
      // Head and body in one write: one segment for a small request.
      const bytes = o.body.bytes.length > 0 ? Buffer.concat([Buffer.from(o.head, 'latin1'), o.body.bytes]) : o.head;
      if (typeof bytes === 'string') s.write(bytes, 'latin1');
      else s.write(bytes);
    }
    function onData(chunk: Buffer): void {
      received += chunk.length;
      queue.append(chunk);
      for (;;) {
        const buf = queue.view();
        const end = buf.indexOf(CRLF2);
        if (end < 0) {
          if (buf.length > MAX_HEAD_BYTES) fail('reset', new ResponseHeadError('head too large').message);
          return;
        }
        let head: ResponseHead;
        try {
          head = parseResponseHead(buf.toString('latin1', 0, end), o.method);
        } catch (err) {
          return fail('reset', err instanceof Error ? err.message : String(err));
        }
        queue.consume(end + 4);
        if (head.status === 101)
          return fail('reset', new ResponseHeadError('101 to a request without Upgrade').message);
        if (head.status < 200) {
          // An interim answer (a peer's 102 while its app works): progress, then the final head follows.
          clock.progressed();
          continue;
        }
        settled = true;
        cleanup();
        s.pause();
        resolve({ kind: 'response', res: new FastResponse(head, conn, o.pool, queue.takeAll()), host: o.host });
        return;
      }
    }
    function onError(err: NodeJS.ErrnoException): void {
      const stale = conn.reused && received === 0 && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      fail(clock.connected ? 'reset' : 'connect', `${err.code ?? 'error'}: ${err.message}`, stale);
    }
    function onClose(): void {
      // A pooled connection the server closed as it was taken: nothing of this request reached an application.
      fail(clock.connected ? 'reset' : 'connect', 'upstream closed the connection', conn.reused && received === 0);
    }
    function onAbort(): void {
      fail('reset', 'cancelled: another try answered first');
    }
    s.on('data', onData);
    s.on('error', onError);
    s.on('close', onClose);
    o.cancel?.onCancel(onAbort);
    if (settled) return;
    function onConnected(): void {
      if (o.tls) rememberPeerIdentity(s as TLSSocket);
      onReady();
    }
    if (conn.reused) {
      const refusal = o.tls ? pooledIdentityRefusal(s, o.tls.expected) : undefined;
      if (refusal) return fail('connect', refusal);
      onReady();
    } else {
      s.once(o.tls ? 'secureConnect' : 'connect', onConnected);
      clock.connecting();
    }
  });
}
