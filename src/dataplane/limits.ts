/**
 * Resource bounds of every traffic listener of a proxy (sidecar outbound and inbound, gateway passthrough): how
 * long a peer may take to finish its TLS handshake, its request headers and its whole request, how long an idle
 * keep-alive connection is kept, and how many connections one listener holds at once. A slow or idle peer costs
 * a socket and a little memory for a bounded time; past the cap new connections are closed at once, so memory
 * stays bounded whatever a local attacker opens.
 *
 * The values come from the environment through `config.ts` (the one module that reads it); defaults below.
 */
import type http from 'node:http';
import type net from 'node:net';

/** Limits of one listener. All durations in milliseconds; every value is > 0 (0 would mean "never"). */
export interface ListenerLimits {
  /** Time from accept (or from the end of the previous response) to the end of the request headers. */
  readonly headersTimeoutMs: number;
  /** Time from accept to the end of the whole request, body included (slow bodies). */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  readonly idleTimeoutMs: number;
  /**
   * How long a passed-through (gateway) connection may carry no byte either way before it is closed. Longer than
   * the idle keep-alive because a slow response is silence too (Envoy's `stream_idle_timeout` is 5 min).
   */
  readonly streamIdleTimeoutMs: number;
  /** Time a TLS peer has to complete its handshake (the gateway: to send its ClientHello). */
  readonly handshakeTimeoutMs: number;
  /** Connections one listener holds at once; further ones are closed on accept. */
  readonly maxConnections: number;
}

/**
 * Defaults. Headers within 10 s and a whole request within 30 s are generous for a mesh hop (Envoy's
 * `request_headers_timeout` is off by default, but its `stream_idle_timeout` is 5 min and Istio's ingress
 * guidance is 10 s). Idle keep-alive 5 s matches the Node servers behind us, which upstream agents drop after 4 s.
 * 1,024 connections per listener keeps a flood of idle sockets near 30 MB on top of the proxy's own size.
 */
export const DEFAULT_LIMITS: ListenerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 5_000,
  streamIdleTimeoutMs: 300_000,
  handshakeTimeoutMs: 5_000,
  maxConnections: 1_024,
});

/** Environment variable of each limit (documented in docs/security.md and docs/configuration). */
export const LIMIT_VARIABLES: Readonly<Record<keyof ListenerLimits, string>> = Object.freeze({
  headersTimeoutMs: 'MB_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'MB_REQUEST_TIMEOUT_MS',
  idleTimeoutMs: 'MB_IDLE_TIMEOUT_MS',
  streamIdleTimeoutMs: 'MB_STREAM_IDLE_TIMEOUT_MS',
  handshakeTimeoutMs: 'MB_HANDSHAKE_TIMEOUT_MS',
  maxConnections: 'MB_MAX_CONNECTIONS',
});

/** Upper bound of any duration setting (1 h) and of the connection cap, so a typo cannot switch a bound off. */
const MAX_DURATION_MS = 3_600_000;
const MAX_CONNECTIONS = 1_000_000;

/**
 * Reads the limits from `env`, pushing one located problem per bad value into `problems` (a value must be a
 * positive integer within bounds; empty or absent means the default). The headers timeout may not exceed the
 * request timeout, as Node requires.
 */
export function readLimits(env: Record<string, string | undefined>, problems: string[]): ListenerLimits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, name] of Object.entries(LIMIT_VARIABLES)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    const max = key === 'maxConnections' ? MAX_CONNECTIONS : MAX_DURATION_MS;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      problems.push(`${name}=${raw} must be an integer from 1 to ${max}`);
      continue;
    }
    out[key] = n;
  }
  const limits = out as unknown as ListenerLimits;
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    problems.push(
      `${LIMIT_VARIABLES.headersTimeoutMs}=${limits.headersTimeoutMs} exceeds ` +
        `${LIMIT_VARIABLES.requestTimeoutMs}=${limits.requestTimeoutMs}`,
    );
  }
  return Object.freeze(limits);
}

/**
 * The `http.createServer` options that enforce `limits`. The checking interval is a quarter of the shortest
 * timeout (at most 1 s) so an expired connection is closed close to its deadline.
 */
export function httpServerOptions(limits: ListenerLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/**
 * Applies the connection cap to a listening server: Node closes each connection accepted past
 * `maxConnections` immediately (no byte read from it). `onDropped` is called for each so it can be counted.
 */
export function capConnections(server: net.Server, limits: ListenerLimits, onDropped?: () => void): void {
  server.maxConnections = limits.maxConnections;
  if (onDropped) server.on('drop', () => onDropped());
}
