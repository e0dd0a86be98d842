/**
 * Outbound HTTP GET for the built-in apps: through the pod's explicit proxy (the sidecar) when one is set, as
 * `GET http://details:9080/details/0 HTTP/1.1` (absolute form, RFC 9112 section 3.2.2) with the pod's credential
 * from the proxy URL's userinfo as `Proxy-Authorization` (as curl does), else directly.
 * Never throws: failures come back as a result so a page can render its "unavailable" block.
 */
import http from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { proxyAuthorization } from '../../dataplane/sidecar/proxy-auth.js';

/** A completed call (any status) or why there is no response. */
export type GetResult =
  | { ok: true; status: number; headers: http.IncomingHttpHeaders; body: string }
  | { ok: false; error: 'timeout' | 'connect' | 'protocol'; message: string };

/** Options of one call. */
export interface GetOptions {
  /** The explicit proxy; undefined sends the request straight to the URL's host. */
  proxy: URL | undefined;
  headers?: OutgoingHttpHeaders;
  /** Whole-call deadline (upstream bookinfo uses 3 s). */
  timeoutMs: number;
  /** Source address: the pod's IP, so the sidecar and peers see the request come from the pod, as in a cluster. */
  localAddress?: string;
}

// Keep-alive to the sidecar: one connection per concurrent request instead of a TCP handshake per call.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const MAX_BODY = 1 << 20;

/** GETs `url` and buffers the body (up to 1 MiB). */
export function httpGet(url: string, options: GetOptions): Promise<GetResult> {
  const target = new URL(url);
  const via = options.proxy ?? target;
  const auth = options.proxy ? proxyAuthorization(options.proxy) : undefined;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: GetResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.request({
      agent,
      host: via.hostname,
      port: via.port === '' ? 80 : Number(via.port),
      method: 'GET',
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      // Absolute form to a proxy; origin form to a server.
      path: options.proxy ? target.href : `${target.pathname}${target.search}`,
      headers: { ...options.headers, host: target.host, ...(auth ? { 'proxy-authorization': auth } : {}) },
    });
    const timer = setTimeout(() => {
      finish({ ok: false, error: 'timeout', message: `no response from ${url} within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const connect = err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET' || err.code === 'EHOSTUNREACH';
      finish({ ok: false, error: connect ? 'connect' : 'protocol', message: `${url}: ${err.message}` });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          finish({ ok: false, error: 'protocol', message: `${url}: response larger than ${MAX_BODY} bytes` });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        finish({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', (err) => finish({ ok: false, error: 'protocol', message: `${url}: ${err.message}` }));
    });
    req.end();
  });
}

/** Parses a JSON body of a 200 response; anything else is undefined (treated as "unavailable" by callers). */
export function jsonOf(result: GetResult): unknown {
  if (!result.ok || result.status !== 200) return undefined;
  try {
    return JSON.parse(result.body) as unknown;
  } catch {
    return undefined;
  }
}
