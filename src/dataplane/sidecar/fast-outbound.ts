/**
 * The outbound proxy's fast path for plain HTTP/1.1: the connection's bytes are read here, each request head is
 * parsed with the strict parser (http1/head.ts), and a request within its subset is routed, balanced and retried by
 * the same code as the general path (retry-loop.ts) but written to its upstream on a pooled connection and relayed
 * back without Node's per-request HTTP objects: the hop ladder (bench) measured Node's server and client as most
 * of what a Node proxy adds to a request.
 *
 * Everything else keeps Node's server (outbound.ts): a request outside the subset (a chunked or large body,
 * `Expect`, HTTP/1.0, an upgrade, anything malformed), a missing or wrong credential, an authority no route
 * matches. The connection is then handed over at that request's first byte, with every byte not yet consumed put
 * back, and stays with Node's server: so each refusal (407, 400, 404, 431, 503) is the one the general path gives,
 * word for word, and llhttp, not this parser, judges every unusual request. Each connection serves requests one at
 * a time; bytes a client sends ahead wait, bounded, until the answer before them is out.
 *
 * Limits are the listener's (limits.ts): the request headers within `headersTimeoutMs` of their first byte, the
 * whole request within `requestTimeoutMs`, an idle connection closed after `idleTimeoutMs`; bodies above
 * {@link MAX_FAST_BODY} take the general path, which streams them.
 */
import type http from 'node:http';
import type net from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { ClusterBalancer, Host } from '../balancer/cluster-balancer.js';
import { MAX_HEAD_BYTES, parseRequestHead, type HeaderPair, type RequestHead } from '../http1/head.js';
import { ByteQueue } from '../http1/byte-queue.js';
import type { SocketPool } from '../http1/socket-pool.js';
import type { VirtualHostModel } from '../xds/model.js';
import type { AttemptResult } from './attempt.js';
import { BufferedBody, runFastAttempt, type RelayedResponse } from './fast-attempt.js';
import { forwardPairs, PEER_HEADERS, SERVED_BY } from './headers.js';
import { outboundLabels, reportAnswer } from './outbound-report.js';
import type { ProxyConfig } from '../config.js';
import type { FlightRecorder } from '../recorder/flight-recorder.js';
import type { ProxyRuntime } from '../runtime.js';
import type { ProxyMetrics } from './metrics.js';
import type { UpstreamAgents } from './upstream.js';
import { checkProxyAuthorization } from './proxy-auth.js';
import { runAttempts, type TryLimits } from './retry-loop.js';
import { requestAuthority, sniForCluster } from './routing.js';

/** Largest request body the fast path reads whole before forwarding (larger ones are streamed by Node's server). */
export const MAX_FAST_BODY = 64 * 1024;
/** Bytes a client may send ahead of the answer it waits for before its connection stops being read. */
const MAX_AHEAD = MAX_HEAD_BYTES + MAX_FAST_BODY;
const CRLF2 = Buffer.from('\r\n\r\n');

/** What the fast path needs: the general path's dependencies (outbound.ts), the credential and the pool. */
export interface FastPathDeps {
  config: ProxyConfig;
  runtime: ProxyRuntime;
  agents: UpstreamAgents;
  metrics: ProxyMetrics;
  recorder?: FlightRecorder | undefined;
  /** The pod's outbound credential (proxy-auth.ts). */
  secret: string;
  /** Keep-alive connections to upstreams, plaintext and mTLS. */
  pool: SocketPool;
}

/** The fast path of one listener. */
export interface FastPath {
  /** Closes every connection the fast path holds (the listener is stopping). */
  closeAll(): void;
}

/**
 * Puts the fast path in front of `server` (the general path's listener): its connections are read here first and
 * given to Node's own connection handling when a request needs it. Call before the server listens.
 */
export function installFastPath(server: http.Server, deps: FastPathDeps): FastPath {
  const nodeListeners = server.listeners('connection') as Array<(socket: net.Socket) => void>;
  server.removeAllListeners('connection');
  const open = new Set<FastConnection>();
  const handOff = (socket: net.Socket): void => {
    for (const l of nodeListeners) l.call(server, socket);
  };
  server.on('connection', (socket: net.Socket) => {
    const c = new FastConnection(socket, deps, handOff, () => open.delete(c));
    open.add(c);
  });
  return {
    closeAll() {
      for (const c of open) c.destroy();
      open.clear();
    },
  };
}

type Phase = 'idle' | 'head' | 'body' | 'busy' | 'gone';

/** Where a request the fast path serves goes. */
interface Route {
  vh: VirtualHostModel;
  target: { host: string; path: string };
  balancer: ClusterBalancer;
}

/** One downstream connection while the fast path serves it. */
class FastConnection {
  private phase: Phase = 'idle';
  private readonly queue = new ByteQueue();
  /** How far the head search got in `buf` (no `\r\n\r\n` before it). */
  private scanned = 0;
  private timer: NodeJS.Timeout | undefined;
  private requestDeadline = 0;
  private pending: { head: RequestHead; headLength: number } | undefined;
  /** The answer being relayed, destroyed if the app goes away meanwhile. */
  private relaying: RelayedResponse | undefined;
  private clientEnded = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly deps: FastPathDeps,
    private readonly handOff: (socket: net.Socket) => void,
    private readonly forget: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', this.onGone);
    socket.on('close', this.onGone);
    socket.on('end', this.onEnd);
    this.waitIdle();
  }

  destroy(): void {
    this.socket.destroy();
    this.onGone();
  }

  private readonly onData = (chunk: Buffer): void => {
    // Closing: whatever a client still sends is dropped, not kept.
    if (this.phase === 'gone') return;
    this.queue.append(chunk);
    if (this.phase === 'busy') {
      if (this.queue.length > MAX_AHEAD) this.socket.pause();
      return;
    }
    this.advance();
  };

  private readonly onEnd = (): void => {
    // A client that half-closes while idle is done; one that half-closes mid-request gets no answer. One that
    // half-closes after a whole request gets its answer, then the connection closes.
    if (this.phase === 'busy') this.clientEnded = true;
    else this.destroy();
  };

  private readonly onGone = (): void => {
    if (this.phase === 'gone') return;
    this.phase = 'gone';
    if (this.timer) clearTimeout(this.timer);
    this.relaying?.destroy();
    this.forget();
  };

  /** Between requests: the connection is closed after the listener's idle keep-alive time. */
  private waitIdle(): void {
    this.phase = 'idle';
    this.arm(this.deps.config.limits.idleTimeoutMs, () => this.destroy());
  }

  private arm(ms: number, fire: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(fire, ms);
  }

  /** A request took too long to arrive: Node's answer to the same, then close. */
  private readonly timedOut = (): void => {
    if (this.phase !== 'head' && this.phase !== 'body') return;
    this.close('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  };

  /**
   * Ends the connection: the last bytes, then FIN. Node's server allows half-open connections, so a client that
   * never closes its side is cut after the idle time rather than holding a socket.
   */
  private close(last?: string): void {
    const s = this.socket;
    if (last) s.end(last, 'latin1');
    else s.end();
    this.onGone();
    const linger = setTimeout(() => s.destroy(), this.deps.config.limits.idleTimeoutMs);
    s.once('close', () => clearTimeout(linger));
  }

  /** Moves on with whatever is buffered: a request head, its body, then the exchange. */
  private advance(): void {
    if (this.queue.length === 0) return;
    const buf = this.queue.view();
    if (this.phase === 'idle') {
      const limits = this.deps.config.limits;
      this.phase = 'head';
      this.requestDeadline = performance.now() + limits.requestTimeoutMs;
      this.arm(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs), this.timedOut);
    }
    if (this.phase === 'head') {
      const end = buf.indexOf(CRLF2, Math.max(0, this.scanned - 3));
      // A line ending other than CRLF can never become a head of the subset: Node's server answers it now (400)
      // rather than after the headers timeout. So does an oversized head (431).
      if (!crlfOnly(buf, Math.max(0, this.scanned - 1), end < 0 ? buf.length : end)) return this.giveUp();
      if (end < 0) {
        this.scanned = buf.length;
        if (buf.length > MAX_HEAD_BYTES) this.giveUp();
        return;
      }
      const head = parseRequestHead(buf.toString('latin1', 0, end));
      if ('outside' in head || head.contentLength > MAX_FAST_BODY) return this.giveUp();
      this.pending = { head, headLength: end + 4 };
      this.phase = 'body';
      if (buf.length < end + 4 + head.contentLength) {
        this.arm(Math.max(1, this.requestDeadline - performance.now()), this.timedOut);
      }
    }
    if (this.phase === 'body' && this.pending) {
      const { head, headLength } = this.pending;
      if (buf.length < headLength + head.contentLength) return;
      const route = this.route(head);
      if (!route) return this.giveUp();
      if (this.timer) clearTimeout(this.timer);
      const body = Buffer.from(buf.subarray(headLength, headLength + head.contentLength));
      this.queue.consume(headLength + head.contentLength);
      this.scanned = 0;
      this.pending = undefined;
      this.phase = 'busy';
      // A bug in an exchange ends this connection, not the process.
      this.exchange(head, route, body).catch(() => this.destroy());
    }
  }

  /** Leaves this connection to Node's server from the current request on. */
  private giveUp(): void {
    if (this.timer) clearTimeout(this.timer);
    this.phase = 'gone';
    this.forget();
    const s = this.socket;
    s.off('data', this.onData);
    s.off('error', this.onGone);
    s.off('close', this.onGone);
    s.off('end', this.onEnd);
    // Not paused: Node's server reads the unconsumed bytes first, then the socket (pinned by
    // test/dataplane/fast-path.test.ts).
    if (this.queue.length > 0) s.unshift(this.queue.takeAll());
    this.handOff(s);
  }

  /**
   * The route of a request the fast path may serve: the credential is right and the authority has a virtual host
   * with a balancer. Anything else goes to Node's server, which answers it as it always has.
   */
  private route(head: RequestHead): Route | undefined {
    let auth: string | undefined;
    let host: string | undefined;
    for (const [n, v] of head.headers) {
      if (n === 'proxy-authorization') auth = v;
      else if (n === 'host') host = v;
    }
    if (!checkProxyAuthorization(auth, this.deps.secret).ok) return undefined;
    const target = requestAuthority(head.target, host);
    if (!target) return undefined;
    const vh = this.deps.runtime.routes.match(target.authority);
    const balancer = vh && this.deps.runtime.balancers.get(vh.cluster);
    if (!vh || !balancer) return undefined;
    return { vh, target, balancer };
  }

  private async exchange(head: RequestHead, route: Route, bytes: Buffer): Promise<void> {
    const start = performance.now();
    const { deps } = this;
    const { vh, target, balancer } = route;
    const labels = outboundLabels(deps.config, vh.cluster);
    const forwarded = forwardedPairs(head.headers, target.host, deps.config);
    const upstreamHead = `${head.method} ${target.path} HTTP/1.1\r\n${forwarded.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
    const body = new BufferedBody(bytes);
    const sni = sniForCluster(vh.cluster);
    const attempt = (host: Host, limits: TryLimits): Promise<AttemptResult<RelayedResponse>> => {
      const base = { host, method: head.method, head: upstreamHead, body, pool: deps.pool, ...limits };
      if (host.endpoint.tlsMode !== 'istio') return runFastAttempt(base);
      let context: ReturnType<UpstreamAgents['mtlsContext']>;
      try {
        context = deps.agents.mtlsContext();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return Promise.resolve({ kind: 'failure', reason: 'connect', connected: false, host, message });
      }
      const expected = host.endpoint.subjectAltNames;
      // Istio's mTLS to the endpoint: the workload certificate, the cluster's SNI, the expected SPIFFE IDs.
      const options = {
        secureContext: context.context,
        ...(sni ? { servername: sni } : {}),
        checkServerIdentity: deps.agents.checkServerFor(expected),
      };
      return runFastAttempt({
        ...base,
        tls: { pool: { options, poolKey: `${sni ?? ''}|${context.generation}` }, expected },
      });
    };
    const result = await runAttempts<RelayedResponse>({ balancer, vh, method: head.method, body, start, attempt });
    if (this.phase === 'gone') {
      if (result.kind === 'response') result.res.destroy();
      return;
    }
    const observe = (): void => deps.metrics.observe(labels, performance.now() - start);
    if (result.kind === 'reply') {
      reportAnswer(deps.recorder, labels, vh.cluster, result.code);
      observe();
      const text = result.text;
      this.socket.write(
        `HTTP/1.1 ${result.code} ${STATUS_CODES[result.code] ?? ''}\r\ncontent-type: text/plain\r\n` +
          `content-length: ${Buffer.byteLength(text)}\r\n${head.close ? 'connection: close\r\n' : ''}\r\n${text}`,
        'latin1',
      );
      return this.next(head);
    }
    const res = result.res;
    reportAnswer(deps.recorder, labels, vh.cluster, res.statusCode, {
      servedBy: res.header(SERVED_BY),
      host: result.host,
    });
    const noBody = head.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    const rechunk = !noBody && res.bodyFraming === 'unknown';
    const s = this.socket;
    s.cork();
    s.write(responseHead(res, rechunk, head.close, deps.config.limits.idleTimeoutMs), 'latin1');
    const write = (chunk: Buffer): boolean => {
      if (noBody) return true;
      if (!rechunk) return s.write(chunk);
      if (chunk.length === 0) return true;
      s.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      s.write(chunk);
      return s.write('\r\n', 'latin1');
    };
    this.relaying = res;
    res.relay(
      write,
      (go) => s.once('drain', go),
      (ok) => {
        this.relaying = undefined;
        observe();
        // A body cut short is never passed off as whole: the app sees its connection close.
        if (!ok) return this.destroy();
        if (rechunk) s.write('0\r\n\r\n', 'latin1');
        this.next(head);
      },
    );
    process.nextTick(() => s.uncork());
  }

  /** After an answer: close if the client asked to, else serve what it sent ahead or wait idle. */
  private next(head: RequestHead): void {
    if (this.phase === 'gone') return;
    if (head.close || this.clientEnded) return this.close();
    this.waitIdle();
    if (this.socket.isPaused()) this.socket.resume();
    this.advance();
  }
}

/** Whether every CR in `buf[from, to)` is followed by LF and every LF preceded by CR (a CR last may wait for its LF). */
function crlfOnly(buf: Buffer, from: number, to: number): boolean {
  for (let i = buf.indexOf(0x0a, from); i >= 0 && i < to; i = buf.indexOf(0x0a, i + 1)) {
    if (i === 0 || buf[i - 1] !== 0x0d) return false;
  }
  for (let i = buf.indexOf(0x0d, from); i >= 0 && i < to; i = buf.indexOf(0x0d, i + 1)) {
    if (i + 1 < buf.length && buf[i + 1] !== 0x0a) return false;
  }
  return true;
}

/**
 * The request's headers for its upstream: hop-by-hop ones and those the `Connection` header names dropped, Host set to
 * the target's, and the caller's identity headers set by this proxy (a value the app sent for them is dropped).
 */
function forwardedPairs(
  headers: readonly HeaderPair[],
  host: string,
  config: { workload: string; namespace: string; cluster: string },
): HeaderPair[] {
  const out: HeaderPair[] = [['host', host]];
  for (const pair of forwardPairs(headers)) if (pair[0] !== 'host' && !OWN_HEADERS.has(pair[0])) out.push(pair);
  out.push([PEER_HEADERS.workload, config.workload]);
  out.push([PEER_HEADERS.namespace, config.namespace]);
  out.push([PEER_HEADERS.cluster, config.cluster]);
  return out;
}
const OWN_HEADERS = new Set<string>(Object.values(PEER_HEADERS));

/** The response head for the app: hop-by-hop headers dropped, framing and keep-alive stated by this proxy. */
function responseHead(res: RelayedResponse, rechunk: boolean, close: boolean, idleMs: number): string {
  let head = `HTTP/1.1 ${res.statusCode} ${res.reason}\r\n`;
  for (const [n, v] of forwardPairs(res.headerPairs))
    if (!(rechunk && n === 'content-length')) head += `${n}: ${v}\r\n`;
  if (rechunk || res.bodyFraming === 'chunked') head += 'transfer-encoding: chunked\r\n';
  head += close ? 'connection: close\r\n' : `keep-alive: timeout=${Math.max(1, Math.floor(idleMs / 1000))}\r\n`;
  return head + '\r\n';
}
