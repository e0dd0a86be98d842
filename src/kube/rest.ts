/**
 * Raw REST requests to a Kubernetes API, for callers that need what the typed `ClusterClient` does not give:
 * chosen content types (merge and strategic patches), `Accept` for kubectl's Table output, subresources (scale),
 * meshbridge's own local-cluster paths. Credentials come from the kubeconfig through @kubernetes/client-node (CA,
 * bearer token, client certificates, exec plugins), so it works against real clusters and embedded ones alike.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { apiVersionOf, type KindInfo } from '../api/index.js';
import { loadKubeConfig, type KubeconfigRef } from './client.js';
import { KubeError } from './errors.js';

/** An answer: status code and body text. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

/** One request: where, how, and the TLS and header options to send it with. */
export interface RawRequest {
  /** `https://host:port` (or `http://` for in-process test servers). */
  readonly server: string;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** TLS settings (ca, cert, key) and headers (authorization), as a kubeconfig gives them. */
  readonly tls?: Readonly<RequestOptions>;
  readonly timeoutMs?: number;
}

/** Largest answer read: a list of every pod of a large cluster is far smaller. */
const MAX_ANSWER = 64 * 1024 * 1024;

/** Sends one request; rejects on a connection or TLS error, a timeout, or an answer over 64 MiB. */
export function sendRaw(req: RawRequest): Promise<RawAnswer> {
  const url = new URL(req.path, req.server);
  const tls = url.protocol === 'https:';
  const timeoutMs = req.timeoutMs ?? 30_000;
  const send = tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(
      url,
      {
        ...(tls ? req.tls : {}),
        // A certificate for `localhost` is checked against that name, not against the URL's IP.
        ...(tls && url.hostname === 'localhost' ? { servername: 'localhost' } : {}),
        method: req.method ?? 'GET',
        headers: {
          ...(req.tls?.headers as Record<string, string> | undefined),
          ...req.headers,
          ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER) r.destroy(new Error('answer too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** REST path of a kind's collection (namespace ignored for cluster-scoped kinds) or of one object. */
export function kindPath(kind: KindInfo, namespace: string | undefined, name?: string, subresource?: string): string {
  const version = kind.versions[0] ?? 'v1';
  const base = kind.group === '' ? `/api/${version}` : `/apis/${kind.group}/${version}`;
  const ns = kind.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const item = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${base}${ns}/${kind.plural}${item}`;
}

/** The apiVersion a kind is sent as. */
export function kindApiVersion(kind: KindInfo): string {
  return apiVersionOf(kind.group, kind.versions[0] ?? 'v1');
}

/** The code of an HTTP failure status: 404 not found, 409 conflict, anything else a failed call. */
function codeOf(status: number): 'MB7101' | 'MB7102' | 'MB7103' {
  return status === 404 ? 'MB7102' : status === 409 ? 'MB7103' : 'MB7101';
}

/** Raw JSON requests to one kubeconfig context's API server. */
export class KubeRest {
  private constructor(
    /** The kubeconfig context (for embedded clusters, the cluster's name). */
    readonly context: string,
    readonly server: string,
    private readonly kubeConfig: KubeConfig,
  ) {}

  /** The client for a context of a kubeconfig file; throws MB7104 when the file or context is missing. */
  static forContext(ref: Required<KubeconfigRef>): KubeRest {
    const kc = loadKubeConfig(ref);
    const server = kc.getCurrentCluster()?.server;
    if (server === undefined) throw new KubeError('MB7104', `context ${ref.context} of ${ref.path} names no cluster`);
    return new KubeRest(ref.context, server, kc);
  }

  /**
   * Sends a request; resolves with the parsed JSON body. A failure status throws a KubeError carrying the status,
   * the server's Status `reason` and its message; an unreachable server throws MB7101 saying so.
   */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; accept?: string } = {},
  ): Promise<T> {
    const tls: RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(tls);
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    let res: RawAnswer;
    try {
      res = await sendRaw({
        server: this.server,
        path,
        method,
        tls,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (err) {
      throw new KubeError(
        'MB7101',
        `cluster ${this.context} at ${this.server} is not reachable (${(err as Error).message}); is it up?`,
        undefined,
        { cause: err },
      );
    }
    let body: unknown;
    try {
      body = res.text ? JSON.parse(res.text) : {};
    } catch {
      body = { message: res.text };
    }
    if (res.status < 200 || res.status > 299) {
      const status = body as { reason?: string; message?: string };
      throw new KubeError(codeOf(res.status), status.message ?? `HTTP ${res.status}`, res.status, {
        reason: status.reason ?? 'Unknown',
      });
    }
    return body as T;
  }
}
