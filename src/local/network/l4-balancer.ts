/**
 * A cluster's L4 load balancer (the role kube-proxy and MetalLB play in a real cluster): it owns the ingress
 * addresses of LoadBalancer Services and pipes each accepted TCP connection, bytes untouched (TLS stays end to
 * end, so a gateway's SNI passthrough and the peers' mTLS are unaffected), to one ready backend.
 *
 * Contract:
 * - `apply(frontends)` makes the listening set equal the plan: new frontends listen, removed ones stop accepting
 *   (their open connections finish), changed backends apply to new connections only. A frontend whose address is
 *   busy is retried on the next `apply`.
 * - Backends are taken round-robin per frontend; a backend that refuses the connection is skipped and the next
 *   one tried (up to every backend once) before the client's connection is closed, so a pod that just went away
 *   costs the client nothing.
 * - Limits: at most `maxConnections` piped connections at once (further ones are closed on accept), a dial that
 *   takes longer than `connectTimeoutMs` counts as refused, and a connection silent both ways for `idleTimeoutMs`
 *   is closed. The balancer never dials an address it listens on.
 * - No authentication here: it forwards to gateways, which require mTLS of their peers (docs/security.md).
 */
import net from 'node:net';
import type { LbBackend, LbFrontend } from './lb-plan.js';

/** Options of {@link L4Balancer}; frozen at construction. */
export interface L4BalancerOptions {
  /** Piped connections at once, all frontends together (default 2048: 4096 descriptors). */
  readonly maxConnections?: number;
  /** Silence both ways before a connection is closed (default 300 s, Envoy's stream idle timeout). */
  readonly idleTimeoutMs?: number;
  /** Time a backend has to accept (default 2 s). */
  readonly connectTimeoutMs?: number;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Counters of a balancer (tests and status). */
export interface L4BalancerStats {
  accepted: number;
  forwarded: number;
  /** Closed on accept: over the connection cap, or no backend accepted. */
  rejected: number;
  /** Backend dials that failed (another backend may have taken the connection). */
  dialFailures: number;
  active: number;
}

interface Frontend {
  plan: LbFrontend;
  server: net.Server | undefined;
  next: number;
}

const DEFAULTS = { maxConnections: 2048, idleTimeoutMs: 300_000, connectTimeoutMs: 2_000 } as const;

/** The balancer of one cluster. */
export class L4Balancer {
  private readonly options: Required<Omit<L4BalancerOptions, 'log'>> & Pick<L4BalancerOptions, 'log'>;
  private readonly frontends = new Map<string, Frontend>();
  private readonly sockets = new Set<net.Socket>();
  private readonly counters: L4BalancerStats = { accepted: 0, forwarded: 0, rejected: 0, dialFailures: 0, active: 0 };
  private closed = false;

  constructor(options: L4BalancerOptions = {}) {
    const o = { ...DEFAULTS, ...options };
    for (const k of ['maxConnections', 'idleTimeoutMs', 'connectTimeoutMs'] as const) {
      if (!Number.isInteger(o[k]) || o[k] <= 0) throw new RangeError(`L4Balancer: ${k} must be a positive integer`);
    }
    this.options = Object.freeze(o);
  }

  /** Makes the listening set and backends equal `plan`; resolves once new listeners are bound (or failed). */
  async apply(plan: readonly LbFrontend[]): Promise<void> {
    if (this.closed) return;
    const wanted = new Map(plan.map((f) => [f.key, f]));
    for (const [key, f] of this.frontends) {
      if (wanted.has(key)) continue;
      this.frontends.delete(key);
      f.server?.close(); // open connections finish on their own
    }
    const binds: Promise<void>[] = [];
    for (const p of plan) {
      let f = this.frontends.get(p.key);
      if (!f) this.frontends.set(p.key, (f = { plan: p, server: undefined, next: 0 }));
      f.plan = p;
      if (!f.server) binds.push(this.listen(f));
    }
    await Promise.all(binds);
  }

  /** The frontends currently listening (`ip:port`). */
  listening(): string[] {
    return [...this.frontends.values()].filter((f) => f.server?.listening).map((f) => f.plan.key);
  }

  stats(): L4BalancerStats {
    return { ...this.counters };
  }

  /** Stops accepting and closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    const servers = [...this.frontends.values()].flatMap((f) => (f.server ? [f.server] : []));
    this.frontends.clear();
    for (const s of this.sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  private listen(f: Frontend): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(f, socket));
    return new Promise<void>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        // Busy (e.g. a process of an older version still holds it): the next apply tries again.
        this.options.log?.('load balancer cannot listen', { address: f.plan.key, error: err.code ?? err.message });
        resolve();
      });
      server.listen(f.plan.port, f.plan.ip, () => {
        if (this.closed || this.frontends.get(f.plan.key) !== f) server.close();
        else {
          f.server = server;
          server.on('error', (err) => this.options.log?.('load balancer listener error', { error: err.message }));
        }
        resolve();
      });
    });
  }

  private accept(f: Frontend, client: net.Socket): void {
    this.counters.accepted++;
    client.on('error', () => client.destroy());
    if (this.counters.active >= this.options.maxConnections) {
      this.counters.rejected++;
      client.destroy();
      return;
    }
    // Counted from accept, so the cap covers connections still dialling too; released exactly once.
    this.counters.active++;
    this.sockets.add(client);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.counters.active--;
    };
    const candidates = this.order(f);
    const tryNext = (i: number): void => {
      const backend = candidates[i];
      if (!backend || client.destroyed || this.closed) {
        if (!client.destroyed) this.counters.rejected++;
        this.sockets.delete(client);
        client.destroy();
        release();
        return;
      }
      const upstream = net.connect({ host: backend.ip, port: backend.port, allowHalfOpen: true });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), this.options.connectTimeoutMs);
      upstream.once('error', () => {
        clearTimeout(timer);
        this.counters.dialFailures++;
        tryNext(i + 1);
      });
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.removeAllListeners('error');
        this.pipe(client, upstream, release);
      });
    };
    tryNext(0);
  }

  /** Round-robin start, each backend once; never one of the balancer's own addresses. */
  private order(f: Frontend): LbBackend[] {
    const own = new Set([...this.frontends.values()].map((x) => x.plan.ip));
    const backends = f.plan.backends.filter((b) => !own.has(b.ip));
    if (backends.length === 0) return [];
    const start = f.next++ % backends.length;
    return [...backends.slice(start), ...backends.slice(0, start)];
  }

  private pipe(client: net.Socket, upstream: net.Socket, release: () => void): void {
    this.counters.forwarded++;
    this.sockets.add(upstream);
    const done = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      release();
    };
    for (const s of [client, upstream]) {
      s.on('error', done);
      // With half-open allowed, 'close' means this side is finished both ways: nothing more can cross.
      s.on('close', done);
      // A byte either way is activity on both sockets (read on one, written on the other): silence is shared.
      s.setTimeout(this.options.idleTimeoutMs, done);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}
