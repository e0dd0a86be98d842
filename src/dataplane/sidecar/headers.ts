/** Header hygiene for a proxy: hop-by-hop headers (RFC 9110 7.6.1) never cross it. */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { tokensOf, type HeaderPair } from '../http1/head.js';

export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Copies headers without hop-by-hop ones (including those named in `Connection`). */
export function forwardHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(tokensOf(String(h.connection ?? '')));
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** {@link forwardHeaders} for headers as received pairs (the fast path), order and repeats kept. */
export function forwardPairs(pairs: readonly HeaderPair[]): HeaderPair[] {
  let named: Set<string> | undefined;
  for (const [n, v] of pairs) if (n === 'connection') named = new Set(tokensOf(v));
  return pairs.filter(([n]) => !HOP_BY_HOP.has(n) && !named?.has(n));
}

/** Headers a sidecar adds to carry the caller's identity to the server-side sidecar's metrics. */
export const PEER_HEADERS = {
  workload: 'x-meshbridge-source-workload',
  namespace: 'x-meshbridge-source-namespace',
  cluster: 'x-meshbridge-source-cluster',
} as const;

/** Response header naming the pod that served a request: `<pod>.<ns>@<cluster>`. */
export const SERVED_BY = 'x-meshbridge-served-by';

/** The cluster part of a served-by value. */
export function clusterFromServedBy(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  const at = s?.lastIndexOf('@') ?? -1;
  return s && at >= 0 ? s.slice(at + 1) : undefined;
}
