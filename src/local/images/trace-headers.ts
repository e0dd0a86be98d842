/**
 * Headers an application must copy from its inbound request to its outbound calls so a mesh can stitch traces
 * together (the list upstream bookinfo's productpage forwards, plus W3C trace context).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const PROPAGATED = [
  'x-request-id',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'x-ot-span-context',
  'traceparent',
  'tracestate',
] as const;

/** Picks the tracing headers (and the bookinfo `user` cookie) out of an inbound request. */
export function forwardHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name of PROPAGATED) {
    const value = incoming[name];
    if (typeof value === 'string') out[name] = value;
  }
  const user = /(?:^|;\s*)user=([^;]*)/.exec(incoming.cookie ?? '')?.[1];
  if (user !== undefined && user !== '') out.cookie = `user=${user}`;
  return out;
}
