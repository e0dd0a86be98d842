/**
 * Strict parsers for HTTP/1.1 message heads (RFC 9112), for the outbound proxy's fast path (sidecar/fast-outbound.ts).
 *
 * They accept a deliberately narrow subset of what Node's own parser (llhttp) accepts: every request they take is
 * one llhttp takes the same way, so the two paths can never frame one byte stream differently (the root of request
 * smuggling). A request outside the subset is not refused here: the caller hands its connection to Node's server,
 * which accepts it or answers 400/431 exactly as before. Responses come from the proxy's own upstreams; one outside
 * the subset is an upstream error.
 *
 * Heads are latin1 text: the bytes read are the bytes written, obs-text in values included.
 */

/** Longest head read (request line or status line plus every header line), as Node's `maxHeaderSize` default. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** Most header lines in one head (Node's `maxHeadersCount` is 2,000; a mesh hop never needs more than this). */
export const MAX_HEADER_LINES = 200;

/** One header as received: its name lower-cased, its value without surrounding whitespace. */
export type HeaderPair = readonly [name: string, value: string];

/** A request head within the subset. */
export interface RequestHead {
  readonly method: string;
  /** Origin-form (`/path?q`) or absolute-form (`http://host:port/path`) target. */
  readonly target: string;
  readonly headers: readonly HeaderPair[];
  /** The body's length: 0 when no Content-Length is sent. */
  readonly contentLength: number;
  /** The client asked to close the connection after this exchange (`Connection: close`). */
  readonly close: boolean;
}

/** A response head within the subset. */
export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly HeaderPair[];
  /** How the body is delimited: a length, chunked coding, or the connection's end. */
  readonly framing: { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };
  /** The connection cannot carry another request afterwards (`Connection: close`, HTTP/1.0, or close-delimited). */
  readonly close: boolean;
}

/** Why a request head is outside the subset (kept for logs and tests; never sent to anyone). */
export type OutsideSubset = { readonly outside: string };

// RFC 9110 5.6.2 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible ASCII, SP, HTAB and obs-text; no CR, LF, NUL or other controls (RFC 9110 5.5).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// A request target: visible ASCII only (RFC 9112 3.2: no whitespace, no controls).
const TARGET = /^(?:\/[\x21-\x7e]*|https?:\/\/[\x21-\x7e]+)$/i;
const DIGITS = /^[0-9]{1,15}$/;
// Methods of the subset: llhttp refuses methods it does not know (and CONNECT switches protocols), so an unusual
// one goes to Node's parser, which answers it.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']);
// Headers whose repetition makes a request ambiguous; a second copy sends the request to Node's parser.
const SINGLE = new Set(['host', 'content-length', 'transfer-encoding', 'proxy-authorization', 'connection']);

/**
 * Splits a head (without its final empty line) into its start line and header pairs, or says why it is outside the
 * subset: a bare CR or LF, a control byte, obs-fold, whitespace before a colon, a name that is not a token.
 */
function splitHead(head: string): { start: string; headers: HeaderPair[] } | OutsideSubset {
  const lines = head.split('\r\n');
  if (lines.length - 1 > MAX_HEADER_LINES) return { outside: 'too many header lines' };
  const start = lines[0] ?? '';
  if (!/^[\x20-\x7e]+$/.test(start)) return { outside: 'start line has a control or non-ASCII byte' };
  const headers: HeaderPair[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) return { outside: 'header line without a name' };
    const name = line.slice(0, colon);
    // Also refuses obs-fold (a line starting with whitespace) and `name :` (RFC 9112 5.1).
    if (!TOKEN.test(name)) return { outside: 'header name is not a token' };
    const value = line.slice(colon + 1);
    if (!FIELD_VALUE.test(value)) return { outside: 'header value has a control byte' };
    headers.push([name.toLowerCase(), value.replace(/^[\t ]+|[\t ]+$/g, '')]);
  }
  return { start, headers };
}

/** Comma-separated tokens of a header value, lower-cased (`Connection`). */
export function tokensOf(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Parses a request head (the bytes before its `\r\n\r\n`, as latin1). Within the subset: HTTP/1.1, one of the common
 * methods, an origin- or absolute-form target, exactly one Host, at most one Content-Length, Proxy-Authorization and
 * Connection, a Content-Length of digits only, and no Transfer-Encoding, Upgrade, Expect or TE: a body is always
 * delimited by its length, and nothing switches protocols or waits for an interim answer.
 */
export function parseRequestHead(head: string): RequestHead | OutsideSubset {
  if (head.length > MAX_HEAD_BYTES) return { outside: 'head too large' };
  const split = splitHead(head);
  if ('outside' in split) return split;
  const m = /^([^ ]+) ([^ ]+) HTTP\/1\.1$/.exec(split.start);
  if (!m) return { outside: 'request line is not `METHOD target HTTP/1.1`' };
  const method = m[1] as string;
  const target = m[2] as string;
  if (!METHODS.has(method)) return { outside: 'method' };
  if (!TARGET.test(target)) return { outside: 'request target form' };
  const seen = new Set<string>();
  let contentLength = 0;
  let close = false;
  for (const [name, value] of split.headers) {
    if (SINGLE.has(name)) {
      if (seen.has(name)) return { outside: `repeated ${name}` };
      seen.add(name);
    }
    switch (name) {
      case 'transfer-encoding':
      case 'upgrade':
      case 'expect':
      case 'te':
        return { outside: name };
      case 'content-length':
        if (!DIGITS.test(value)) return { outside: 'content-length is not a number' };
        contentLength = Number(value);
        break;
      case 'connection': {
        const tokens = tokensOf(value);
        if (tokens.includes('upgrade')) return { outside: 'connection: upgrade' };
        close = tokens.includes('close');
        break;
      }
    }
  }
  // Node's server requires Host in HTTP/1.1 (`requireHostHeader`), absolute-form or not.
  if (!seen.has('host')) return { outside: 'no host' };
  return { method, target, headers: split.headers, contentLength, close };
}

/** Why a response head cannot be used: the upstream broke the protocol. */
export class ResponseHeadError extends Error {
  readonly code = 'MB0903';
  constructor(message: string) {
    super(`upstream response: ${message}`);
    this.name = 'ResponseHeadError';
  }
}

/**
 * Parses an upstream's response head (the bytes before its `\r\n\r\n`, as latin1) for a request of `method`. Throws
 * {@link ResponseHeadError} for anything Node's client would refuse too, and for framing a proxy must not guess at:
 * Content-Length with Transfer-Encoding, two different lengths, or a transfer coding other than `chunked` alone.
 */
export function parseResponseHead(head: string, method: string): ResponseHead {
  if (head.length > MAX_HEAD_BYTES) throw new ResponseHeadError('head too large');
  const split = splitHead(head);
  if ('outside' in split) throw new ResponseHeadError(split.outside);
  const m = /^HTTP\/1\.([01]) ([1-9][0-9]{2})(?: (.*))?$/.exec(split.start);
  if (!m) throw new ResponseHeadError('status line');
  const http10 = m[1] === '0';
  const status = Number(m[2]);
  let length: number | undefined;
  let chunked = false;
  let close = http10;
  for (const [name, value] of split.headers) {
    if (name === 'content-length') {
      if (!DIGITS.test(value)) throw new ResponseHeadError('content-length is not a number');
      const n = Number(value);
      if (length !== undefined && length !== n) throw new ResponseHeadError('two content lengths');
      length = n;
    } else if (name === 'transfer-encoding') {
      if (chunked || value.toLowerCase() !== 'chunked') throw new ResponseHeadError('transfer coding');
      chunked = true;
    } else if (name === 'connection') {
      const tokens = tokensOf(value);
      if (tokens.includes('close')) close = true;
      else if (http10 && tokens.includes('keep-alive')) close = false;
    }
  }
  if (chunked && length !== undefined) throw new ResponseHeadError('both content-length and transfer-encoding');
  if (chunked && http10) throw new ResponseHeadError('chunked coding in HTTP/1.0');
  const headers = split.headers;
  const reason = m[3] ?? '';
  // RFC 9112 6.3: no body after HEAD, 1xx, 204 and 304, whatever the headers say.
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) {
    return { status, reason, headers, framing: { kind: 'length', length: 0 }, close };
  }
  if (chunked) return { status, reason, headers, framing: { kind: 'chunked' }, close };
  if (length !== undefined) return { status, reason, headers, framing: { kind: 'length', length }, close };
  return { status, reason, headers, framing: { kind: 'close' }, close: true };
}
