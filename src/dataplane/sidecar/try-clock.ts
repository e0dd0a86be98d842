/**
 * The clocks and the pooled-identity rule of one upstream try, shared by attempt.ts (Node's client) and
 * fast-attempt.ts (the fast path): connecting is bounded by the connect timeout; once the connection is ready the
 * per-try timeout and the per-try idle timeout run until the response head, and every sign of progress (an interim
 * 1xx) restarts the idle one.
 */
import type { TLSSocket } from 'node:tls';
import { uriSans } from '../../identity/index.js';

/** The timers of one try; `fail` is called at most once per expiry, never after {@link TryClock.stop}. */
export class TryClock {
  connected = false;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private idle: NodeJS.Timeout | undefined;
  private progress = 0;

  constructor(
    private readonly limits: { connectTimeoutMs: number; timeoutMs: number; idleTimeoutMs?: number | undefined },
    private readonly fail: (reason: 'connect' | 'timeout', message: string) => void,
  ) {}

  /** A new connection is being opened (and handshaken). */
  connecting(): void {
    const ms = this.limits.connectTimeoutMs;
    this.timers.push(
      setTimeout(() => {
        if (!this.connected) this.fail('connect', `connect timeout after ${ms} ms`);
      }, ms),
    );
  }

  /** The connection is ready (new and handshaken, or taken from the pool). */
  ready(): void {
    this.connected = true;
    const ms = this.limits.timeoutMs;
    if (ms > 0 && !this.stopped) {
      this.timers.push(setTimeout(() => this.fail('timeout', `no response within ${ms} ms`), ms));
    }
    this.progressed();
  }

  /** A sign of progress from the upstream: the idle timeout starts again. */
  readonly progressed = (): void => {
    const ms = this.limits.idleTimeoutMs ?? 0;
    if (ms <= 0 || this.stopped) return;
    this.progress++;
    if (this.idle) this.idle.refresh();
    else this.timers.push((this.idle = setTimeout(() => this.onIdle(ms), ms)));
  };

  /** The try settled: no timer fires any more. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }

  // Timers run before pending I/O: after this process stalled, the timer may fire while the peer's 102 already waits
  // in the socket. The verdict is taken after the poll phase (setImmediate), which reads it first; a 102 read there
  // counts as progress and has re-armed the timer.
  private onIdle(ms: number): void {
    const seen = this.progress;
    setImmediate(() => {
      if (this.progress === seen && !this.stopped) this.fail('timeout', `no sign of progress for ${ms} ms`);
    });
  }
}

/** SPIFFE ID each pooled mTLS connection's server proved during its handshake. */
const provenIdentity = new WeakMap<object, string>();

/** After a handshake that checkServerIdentity accepted: remembers who the server is, for reuse from the pool. */
export function rememberPeerIdentity(socket: TLSSocket): void {
  provenIdentity.set(socket, uriSans(socket.getPeerCertificate().subjectaltname)[0] ?? '');
}

/**
 * Why a pooled mTLS connection may not carry this request, or undefined: it was checked against the SANs of its
 * time, and the endpoint's may have changed since.
 */
export function pooledIdentityRefusal(socket: object, expected: readonly string[] | undefined): string | undefined {
  const proven = provenIdentity.get(socket);
  if (proven && expected?.includes(proven)) return undefined;
  return `pooled connection's server identity ${proven ?? '(unknown)'} is no longer expected`;
}
