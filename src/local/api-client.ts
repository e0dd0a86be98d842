/**
 * One request to a local cluster's API over HTTPS (or HTTP for in-process servers), trusting only the CA given
 * (the kubeconfig's `certificate-authority-data`) and sending the cluster's bearer token. For the few callers that
 * need no kubeconfig: `local up`'s health check and `local status` (the token and CA come from the home).
 */
import { sendRaw, type RawAnswer } from '../kube/rest.js';

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
export type ApiAnswer = RawAnswer;

/**
 * Sends the request through the Kubernetes layer's transport (src/kube/rest.ts: 64 MiB answer cap, timeout);
 * rejects on a connection or TLS error, a timeout, or an answer over the cap.
 */
export function callClusterApi(options: ApiCallOptions): Promise<ApiAnswer> {
  return sendRaw({
    server: options.server,
    path: options.path,
    ...(options.method !== undefined ? { method: options.method } : {}),
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
    tls: { ca: options.caPem },
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
