/**
 * A small Kubernetes API client for the cluster commands: finds the cluster's server and token in the kubeconfig
 * (`$MESHBRIDGE_HOME/kubeconfig`, context = cluster name), maps kinds to REST paths with the kind table, and turns
 * Kubernetes Status errors into `KubeError`s worded like kubectl's. HTTPS verified against the kubeconfig's
 * `certificate-authority-data`, with the context's bearer token.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { apiVersionOf, type KindInfo } from '../../api/index.js';
import { callClusterApi, type ApiAnswer } from '../../local/api-client.js';
import { homePaths, meshbridgeHome } from '../../local/config.js';

/** A failed API call, carrying the server's Status reason and HTTP code. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

interface Kubeconfig {
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: { name: string; user: { token?: string } }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
}

/** One cluster's API, from its kubeconfig context. */
export class ClusterClient {
  private constructor(
    readonly context: string,
    private readonly server: string,
    private readonly token: string | undefined,
    private readonly caPem: string | undefined,
  ) {}

  /** The client for a context of `$MESHBRIDGE_HOME/kubeconfig` (or `kubeconfig` when given). */
  static forContext(context: string, kubeconfig = homePaths(meshbridgeHome()).kubeconfig): ClusterClient {
    let config: Kubeconfig;
    try {
      config = parse(readFileSync(kubeconfig, 'utf8')) as Kubeconfig;
    } catch {
      throw new Error(`no kubeconfig at ${kubeconfig}: run \`meshbridge local up\` first`);
    }
    const ctx = config.contexts?.find((c) => c.name === context);
    const cluster = config.clusters?.find((c) => c.name === ctx?.context.cluster);
    if (!ctx || !cluster) {
      const known = (config.contexts ?? []).map((c) => c.name).join(', ');
      throw new Error(`no cluster "${context}" in ${kubeconfig} (known: ${known || 'none'})`);
    }
    const user = config.users?.find((u) => u.name === ctx.context.user);
    const caData = cluster.cluster['certificate-authority-data'];
    const caPem = caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined;
    return new ClusterClient(context, cluster.cluster.server, user?.user.token, caPem);
  }

  /** REST path of a kind's collection (namespace ignored for cluster-scoped kinds) or of one object. */
  static path(kind: KindInfo, namespace: string | undefined, name?: string, subresource?: string): string {
    const version = kind.versions[0] ?? 'v1';
    const base = kind.group === '' ? `/api/${version}` : `/apis/${kind.group}/${version}`;
    const ns = kind.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const item = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
    return `${base}${ns}/${kind.plural}${item}`;
  }

  /** The apiVersion a kind is sent as. */
  static apiVersion(kind: KindInfo): string {
    return apiVersionOf(kind.group, kind.versions[0] ?? 'v1');
  }

  /** Sends a request; resolves with the parsed JSON body, throws KubeError on a Status failure. */
  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; accept?: string } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    let res: ApiAnswer;
    try {
      res = await callClusterApi({
        server: this.server,
        path,
        method,
        token: this.token,
        caPem: this.caPem,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (err) {
      throw new Error(
        `cluster ${this.context} at ${this.server} is not reachable (${(err as Error).message}); is it up?`,
      );
    }
    const text = res.text;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { message: text };
    }
    if (res.status < 200 || res.status > 299) {
      const status = body as { reason?: string; message?: string };
      throw new KubeError(res.status, status.reason ?? 'Unknown', status.message ?? `HTTP ${res.status}`);
    }
    return body as T;
  }
}

/** `deployment.apps` / `service`: how kubectl names a kind in its messages. */
export function kindLabel(kind: KindInfo): string {
  return kind.group ? `${kind.singular}.${kind.group}` : kind.singular;
}
