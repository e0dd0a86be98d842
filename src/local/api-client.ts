/**
 * One request to a local cluster's API over HTTPS (or HTTP for in-process servers), trusting only the CA given
 * (the kubeconfig's `certificate-authority-data`) and sending the cluster's bearer token. For the few callers that
 * do not use a Kubernetes client library: `local up`'s health check, `local status`, the CLI's cluster commands.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Options of one request. */
export interface ApiCallOptions {
  /** `https://127.0.0.1:<port>` (from the kubeconfig or cluster.json). */
  readonly server: string;
  readonly path: string;
  readonly method?: string;
  readonly token?: string;
  /** PEM of the CA that issued the API's certificate; required for https. */
  readonly caPem?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
}

/** An answer: status code and body text. */
export interface ApiAnswer {
  readonly status: number;
  readonly text: string;
}

/** Largest answer read (a list of every pod of a local cluster is far smaller). */
const MAX_ANSWER = 64 * 1024 * 1024;

/** Sends the request; rejects on a connection or TLS error, a timeout, or an answer over 64 MiB. */
export function callClusterApi(options: ApiCallOptions): Promise<ApiAnswer> {
  const url = new URL(options.path, options.server);
  const tls = url.protocol === 'https:';
  const send = tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
          ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
        },
        ...(tls ? { ca: options.caPem, servername: url.hostname === 'localhost' ? 'localhost' : undefined } : {}),
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER) req.destroy(new Error('answer too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
