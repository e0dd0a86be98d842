/**
 * Keep-alive connections to upstreams for the fast path, plaintext or mTLS (the agents' job, without their
 * per-request ClientRequest machinery); mTLS ones are pooled apart by SNI and certificate generation. The most
 * recently used idle connection is reused first (as the agents' `lifo`), an idle one is closed after
 * {@link IDLE_MS} (before Node servers' 5 s keep-alive timeout closes it under a request), and one that says
 * anything or closes while idle is dropped.
 */
import net from 'node:net';
import tls from 'node:tls';

/** Idle connections are closed after 4 s, as the http agents do (upstream.ts). */
export const IDLE_MS = 4000;
/** Idle connections kept per upstream; more are closed when released. */
const MAX_IDLE_PER_UPSTREAM = 64;

/** How to open an mTLS connection, and what it must be pooled apart from (SNI, certificate generation). */
export interface PoolTls {
  readonly options: tls.ConnectionOptions;
  readonly poolKey: string;
}

/** A connection handed out by the pool. */
export interface PooledSocket {
  readonly socket: net.Socket | tls.TLSSocket;
  /** Taken from the pool rather than opened for this request. */
  readonly reused: boolean;
  readonly key: string;
}

/** The pool of one proxy. */
export class SocketPool {
  private readonly idle = new Map<string, net.Socket[]>();
  private closed = false;

  /**
   * An idle connection to `host:port` (with `tls`: an mTLS one made with the same options), or a new one (connecting;
   * its `connect` or `secureConnect` event is the caller's).
   */
  acquire(host: string, port: number, withTls?: PoolTls): PooledSocket {
    const key = withTls ? `${host}:${port}|${withTls.poolKey}` : `${host}:${port}`;
    const list = this.idle.get(key);
    for (let s = list?.pop(); s; s = list?.pop()) {
      if (s.destroyed || !s.writable) continue;
      this.unwatch(s);
      return { socket: s, reused: true, key };
    }
    const socket = withTls
      ? tls.connect({ ...withTls.options, host, port }).setNoDelay(true)
      : net.connect({ host, port, noDelay: true });
    // Whoever holds the connection handles its errors; this keeps one arriving between two holders (an attempt that
    // resolved, the relay about to start) from being an uncaught exception.
    socket.on('error', () => undefined);
    return { socket, reused: false, key };
  }

  /** Returns a connection whose last exchange ended cleanly (no byte left unread) for reuse. */
  release(p: PooledSocket): void {
    const s = p.socket;
    if (this.closed || s.destroyed || !s.writable || s.readableLength > 0) return void s.destroy();
    let list = this.idle.get(p.key);
    if (!list) this.idle.set(p.key, (list = []));
    if (list.length >= MAX_IDLE_PER_UPSTREAM) return void s.destroy();
    list.push(s);
    const drop = (): void => {
      const at = list.indexOf(s);
      if (at >= 0) list.splice(at, 1);
      s.destroy();
    };
    // An idle connection that receives bytes (nothing was asked) or ends is of no further use.
    s.on('data', drop);
    s.on('end', drop);
    s.on('error', drop);
    s.on('timeout', drop);
    s.setTimeout(IDLE_MS);
    s.resume();
    idleHandlers.set(s, drop);
  }

  /** Closes every idle connection and refuses to keep more. */
  destroy(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const s of list) s.destroy();
    this.idle.clear();
  }

  private unwatch(s: net.Socket): void {
    const drop = idleHandlers.get(s);
    if (drop) {
      s.off('data', drop);
      s.off('end', drop);
      s.off('error', drop);
      s.off('timeout', drop);
      idleHandlers.delete(s);
    }
    s.setTimeout(0);
  }
}

const idleHandlers = new WeakMap<net.Socket, () => void>();
