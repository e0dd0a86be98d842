/**
 * The Kubernetes client layer: one `ClusterClient` per cluster over `@kubernetes/client-node`, used for real
 * clusters and embedded ones alike (both speak the Kubernetes API). Generic over kinds: resource paths come from the
 * kind registry of `src/api`, so no per-kind code is needed.
 */
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import {
  KubeConfig,
  makeInformer,
  type KubernetesObjectApi,
  type Informer,
  type ObjectCache,
} from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KINDS, apiVersionOf } from '../api/index.js';
import { KubeError, toKubeError } from './errors.js';
import { keepAliveApis } from './keep-alive.js';

/** Any Kubernetes object. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  [field: string]: unknown;
}

/** A reference to one object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** The operations the federation controller needs on one cluster. */
export interface ClusterClient {
  readonly name: string;
  /** Lists every object of a kind (all namespaces), optionally filtered by a label selector. */
  list(kind: string, options?: { labelSelector?: string }): Promise<KObject[]>;
  /** Reads one object; undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KObject | undefined>;
  create(object: KObject): Promise<KObject>;
  /** Replaces an object (optimistic: `metadata.resourceVersion` must be the current one). */
  replace(object: KObject): Promise<KObject>;
  /**
   * Replaces the `status` subresource of a namespaced custom resource (optimistic like `replace`); a kind whose CRD
   * declares the subresource ignores `status` in `replace`.
   */
  replaceStatus(object: KObject): Promise<KObject>;
  delete(ref: ObjectRef): Promise<void>;
  /** A list/watch cache of a kind; `start()` resolves after the first list (check `synced`). */
  informer(kind: string, options?: { labelSelector?: string }): WatchedKind;
  /**
   * GETs a path outside the kinds (an extension such as the mesh's convergence list): status and body text, with
   * the kubeconfig's credentials. Absent on test doubles.
   */
  getPath?(path: string, timeoutMs?: number): Promise<{ status: number; text: string }>;
}

/** A started or startable informer and whether its initial list succeeded. */
export interface WatchedKind {
  readonly kind: string;
  readonly informer: Informer<KObject & { metadata?: object }> & ObjectCache<KObject & { metadata?: object }>;
  /** True once a list has succeeded (the cache then holds the truth as of that list, kept up by the watch). */
  synced(): boolean;
}

/** Where a cluster's API is: a kubeconfig file and the context to use. */
export interface KubeconfigRef {
  path: string;
  context?: string;
}

/** Facts about a kind needed to address it. */
function kindInfo(kind: string): { apiVersion: string; path: string } {
  const info = KINDS.find((k) => k.kind === kind);
  if (!info) throw new KubeError('MB7101', `unknown kind ${kind}`);
  const version = info.versions[0] as string;
  const apiVersion = apiVersionOf(info.group, version);
  const prefix = info.group === '' ? `/api/${version}` : `/apis/${info.group}/${version}`;
  return { apiVersion, path: `${prefix}/${info.plural}` };
}

/** Every apiVersion of a kind, newest (the preferred one) first. */
function kindVersions(kind: string): string[] {
  const info = KINDS.find((k) => k.kind === kind);
  if (!info) throw new KubeError('MB7101', `unknown kind ${kind}`);
  return info.versions.map((v) => apiVersionOf(info.group, v));
}

/** Loads a kubeconfig file and selects a context (throws MB7104 when the context does not exist). */
export function loadKubeConfig(ref: KubeconfigRef): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(ref.path);
  } catch (err) {
    throw new KubeError('MB7104', `cannot read kubeconfig ${ref.path}: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
  if (ref.context !== undefined) {
    if (!kc.getContextObject(ref.context))
      throw new KubeError('MB7104', `kubeconfig ${ref.path} has no context ${ref.context}`);
    kc.setCurrentContext(ref.context);
  }
  return kc;
}

/** A cluster's API given directly: HTTPS server, the CA its serving certificate chains to, and a bearer token. */
export interface DirectApiRef {
  readonly name: string;
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
}

/** A KubeConfig for one API given directly (no kubeconfig file), verifying the server against `caPem`. */
export function directKubeConfig(ref: DirectApiRef): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: ref.name, server: ref.server, caData: Buffer.from(ref.caPem).toString('base64') }],
    users: [{ name: `${ref.name}-user`, token: ref.token }],
    contexts: [{ name: ref.name, cluster: ref.name, user: `${ref.name}-user` }],
    currentContext: ref.name,
  });
  return kc;
}

/** Where a pod finds its own service account (token, CA, namespace). */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The directory a pod's volumes are mounted under: `/` in a real container. Local clusters run pods as processes
 * without a mount namespace, so their runner materialises the volumes under a directory of the pod's own and names
 * it in `MESHBRIDGE_POD_ROOT` (a pod spec cannot set it: the pod policy refuses `MESHBRIDGE_*` variables).
 */
function podRoot(): string {
  return process.env.MESHBRIDGE_POD_ROOT ?? '';
}

/**
 * The API of the cluster this process runs in, as its pod's service account (throws MB7104 outside a pod), and
 * that account's namespace.
 */
export function inClusterKubeConfig(): { kubeConfig: KubeConfig; namespace: string } {
  const root = podRoot();
  const dir = `${root}${SERVICE_ACCOUNT_DIR}`;
  if (!process.env.KUBERNETES_SERVICE_HOST || !existsSync(join(dir, 'token'))) {
    throw new KubeError('MB7104', `not in a pod: no KUBERNETES_SERVICE_HOST or no service account token in ${dir}`);
  }
  const kc = new KubeConfig();
  kc.loadFromCluster(root);
  const namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim();
  return { kubeConfig: kc, namespace };
}

/** The context names of a kubeconfig file (throws MB7104 when it cannot be read). */
export function kubeconfigContexts(path: string): string[] {
  return loadKubeConfig({ path })
    .getContexts()
    .map((c) => c.name);
}

/** Options of `createClusterClient`. */
export interface ClusterClientOptions {
  name: string;
  kubeConfig: KubeConfig;
}

/** A raw list: the items (made self-describing) and the list's resourceVersion. */
type RawList = { items: KObject[]; metadata: { resourceVersion?: string } };

/**
 * Lists a kind (all namespaces) at the newest version the cluster serves: a 404 means that version is not served
 * (an older Istio serves WorkloadEntries at v1beta1 only), so the next older one is tried; the first error is
 * reported if none is.
 */
function makeLister(
  api: KubernetesObjectApi,
  name: string,
): (kind: string, opts?: { labelSelector?: string }) => Promise<RawList> {
  const listAt = async (kind: string, apiVersion: string, opts?: { labelSelector?: string }): Promise<RawList> => {
    try {
      const res = await api.list<KObject & { metadata: object }>(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        opts?.labelSelector,
      );
      // List items carry no apiVersion/kind on the wire; add them so objects are self-describing.
      return { items: res.items.map((i) => ({ apiVersion, kind, ...i })), metadata: res.metadata ?? {} };
    } catch (err) {
      throw toKubeError(err, `${name}: list ${kind}`);
    }
  };
  return async (kind, opts) => {
    let first: KubeError | undefined;
    for (const apiVersion of kindVersions(kind)) {
      try {
        return await listAt(kind, apiVersion, opts);
      } catch (err) {
        if (!(err instanceof KubeError) || err.code !== 'MB7102') throw err;
        first ??= err;
      }
    }
    throw first as KubeError;
  };
}

/** A ClusterClient over client-node's generic object API. */
export function createClusterClient(options: ClusterClientOptions): ClusterClient {
  const { name, kubeConfig } = options;
  const { objects: api, custom } = keepAliveApis(kubeConfig);
  const describe = (o: KObject | ObjectRef): string => {
    const m = 'metadata' in o ? o.metadata : (o as ObjectRef);
    return `${name}: ${o.kind} ${m?.namespace ? `${m.namespace}/` : ''}${m?.name}`;
  };
  const listRaw = makeLister(api, name);
  const list = async (kind: string, opts?: { labelSelector?: string }): Promise<KObject[]> =>
    (await listRaw(kind, opts)).items;
  return {
    name,
    list,
    async getPath(path, timeoutMs = 10_000) {
      const server = kubeConfig.getCurrentCluster()?.server;
      if (server === undefined) throw new KubeError('MB7104', `${name}: the kubeconfig names no server`);
      const tls: HttpsRequestOptions = {};
      await kubeConfig.applyToHTTPSOptions(tls);
      // Imported when used: rest.ts builds on this module.
      const { sendRaw } = await import('./rest.js');
      return sendRaw({ server, path, tls, headers: { Accept: 'application/json' }, timeoutMs });
    },
    async get(ref) {
      try {
        const got = await api.read({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        });
        return { apiVersion: ref.apiVersion, kind: ref.kind, ...(got as KObject) };
      } catch (err) {
        const e = toKubeError(err, `get ${describe(ref)}`);
        if (e.code === 'MB7102') return undefined;
        throw e;
      }
    },
    async create(object) {
      try {
        return (await api.create(object as KObject & { metadata: object })) as KObject;
      } catch (err) {
        throw toKubeError(err, `create ${describe(object)}`);
      }
    },
    async replace(object) {
      try {
        return (await api.replace(object as KObject & { metadata: object })) as KObject;
      } catch (err) {
        throw toKubeError(err, `replace ${describe(object)}`);
      }
    },
    async replaceStatus(object) {
      const [group = '', version = ''] = (object.apiVersion ?? '').split('/');
      const info = KINDS.find((k) => k.kind === object.kind && k.group === group);
      if (!info || !object.metadata?.namespace || !object.metadata.name) {
        throw new KubeError(
          'MB7101',
          `replaceStatus needs a namespaced custom resource of a known kind: ${describe(object)}`,
        );
      }
      try {
        return (await custom.replaceNamespacedCustomObjectStatus({
          group,
          version,
          namespace: object.metadata.namespace,
          plural: info.plural,
          name: object.metadata.name,
          body: object,
        })) as KObject;
      } catch (err) {
        throw toKubeError(err, `replace status of ${describe(object)}`);
      }
    },
    async delete(ref) {
      try {
        await api.delete({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        });
      } catch (err) {
        throw toKubeError(err, `delete ${describe(ref)}`);
      }
    },
    informer(kind, opts) {
      const { path } = kindInfo(kind);
      let synced = false;
      const informer = makeInformer<KObject & { metadata?: object }>(
        kubeConfig,
        path,
        async () => {
          // The list's resourceVersion is where the informer's watch starts, so nothing is missed in between.
          const res = await listRaw(kind, opts);
          synced = true;
          return { apiVersion: 'v1', kind: `${kind}List`, ...res } as never;
        },
        opts?.labelSelector,
      );
      return { kind, informer, synced: () => synced };
    },
  };
}
