/** How the API server answers: JSON with the apiserver's `Warning` headers, and the query options it reads often. */
import type { ServerResponse } from 'node:http';
import type { Matcher } from './selectors.js';

/** Sends `body` as JSON with `code`; each warning becomes a `Warning: 299 - "..."` header, as the apiserver sends. */
export function send(res: ServerResponse, code: number, body: unknown, warnings: readonly string[] = []): void {
  const text = JSON.stringify(body);
  // RFC 7234 warn-code 299 with agent "-", as the apiserver sends; header values must stay single-line ASCII.
  const warning = warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[^\x20-\x7e]/g, '?'))}`);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...(warning.length ? { Warning: warning } : {}),
  });
  res.end(text);
}

/** The Table `includeObject` query parameter (default `Metadata`, as the apiserver's). */
export function includeObject(q: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** A matcher that holds when every one of `ms` does. */
export function combine(...ms: Matcher[]): Matcher {
  return (o) => ms.every((m) => m(o));
}
