/**
 * What the embedded mesh gives a meshed pod's processes (contract C.env): the sidecar decision, the workload a pod
 * belongs to, and the proxy environment built with src/xds/pod-env.ts from the pod and its node.
 */
import { join } from 'node:path';
import { sidecarInjected } from '../api/injection.js';
import { podLocality } from '../mesh/locality.js';
import { proxyEnv, type ProxyRole } from '../xds/index.js';
import type { PodContext } from './mesh-integration.js';
import type { ClusterStore } from './store/cluster-store.js';

type Rec = Record<string, unknown>;
/** The value as an object, or an empty one. */
export const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

/** The control plane's decision too (api/injection.ts): a pod it dials in plaintext runs no sidecar here. */
export function injected(ctx: PodContext): boolean {
  return sidecarInjected({
    podLabels: ctx.pod.metadata.labels,
    podAnnotations: ctx.pod.metadata.annotations,
    namespaceLabels: ctx.namespaceLabels,
  });
}

/**
 * The workload a pod belongs to (`details-v1`): its Deployment, i.e. its ReplicaSet's name without the
 * `-<pod-template-hash>` suffix; the owner's name for other owners; the pod's own name when it has none.
 */
export function workloadName(pod: PodContext['pod']): string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return pod.metadata.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return owner.name.slice(0, -hash.length - 1);
  }
  return owner.name;
}

/**
 * Pod annotation that turns its sidecar's outbound HTTP/1.1 fast path off (`"false"`): the escape hatch should an
 * application meet a difference between the fast path and Node's HTTP server (docs/local-clusters.md).
 */
export const HTTP_FAST_PATH_ANNOTATION = 'meshbridge.io/http-fast-path';

/** Inputs of {@link meshProxyEnv} besides the pod. */
export interface MeshProxyEnvOptions {
  readonly role: ProxyRole;
  /** The cluster's store, for the pod's node (its topology labels give the locality); none before the mesh starts. */
  readonly store: ClusterStore | undefined;
  readonly xdsAddress: string;
  readonly xdsToken: string;
  /** Sidecars: the pod's outbound proxy secret. */
  readonly proxySecret?: string;
}

/**
 * The environment of a pod's sidecar or gateway process. Its locality is the one the control plane computes for
 * the pod (mesh/locality.ts `podLocality`: the `istio-locality` label, else the node's topology labels).
 */
export function meshProxyEnv(ctx: PodContext, o: MeshProxyEnvOptions): Record<string, string> {
  const pod = ctx.pod;
  const nodeName = String(rec(pod.spec).nodeName ?? '');
  const node = o.store?.list({ group: '', plural: 'nodes' }).find((n) => n.metadata.name === nodeName);
  return proxyEnv({
    role: o.role,
    xdsAddress: o.xdsAddress,
    podIp: ctx.podIP,
    podName: pod.metadata.name,
    namespace: pod.metadata.namespace ?? 'default',
    serviceAccount: String(rec(pod.spec).serviceAccountName ?? 'default'),
    cluster: ctx.cluster.name,
    network: ctx.cluster.network,
    locality: podLocality(pod.metadata.labels, node?.metadata.labels),
    workload: workloadName(pod),
    labels: pod.metadata.labels ?? {},
    certDir: join(ctx.dir, 'certs'),
    servedByHeader: true,
    xdsToken: o.xdsToken,
    ...(o.proxySecret ? { proxySecret: o.proxySecret } : {}),
    ...(pod.metadata.annotations?.[HTTP_FAST_PATH_ANNOTATION] === 'false' ? { httpFastPath: false } : {}),
  });
}
