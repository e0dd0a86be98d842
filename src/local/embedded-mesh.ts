/**
 * The mesh of an embedded cluster (contracts B and C): the cluster process runs meshbridge's xDS control plane over
 * its own store, issues each meshed pod a SPIFFE certificate from the shared root CA, and runs a sidecar next to
 * the apps that Istio's injection rules select (api/injection.ts; e.g. namespace `istio-injection=enabled`) and the East-West gateway process in gateway pods.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appProxyEnv } from '../dataplane/pod-env.js';
import { newProxySecret } from '../dataplane/sidecar/proxy-auth.js';
import { loadOrCreateRootCA, provisionWorkloadCertificate, type Stoppable } from '../identity/index.js';
import { startControlPlane, type ControlPlane } from '../mesh/control-plane.js';
import { sidecarInjected } from '../api/injection.js';
import { formatLocality, podLocality } from '../mesh/locality.js';
import type { ObjectSource } from '../mesh/source.js';
import { createStoreSource } from '../mesh/store-source.js';
import type { MeshContext, MeshIntegration, PodContext, ProcessSpec } from './mesh-integration.js';
import type { ClusterStore } from './store/cluster-store.js';
import { loadOrCreateApiToken } from './api-token.js';

const SIDECAR_ENTRY = fileURLToPath(new URL('../dataplane/sidecar-main.js', import.meta.url));
const GATEWAY_ENTRY = fileURLToPath(new URL('../dataplane/gateway-main.js', import.meta.url));
/** Port of the sidecar's explicit HTTP proxy (contract C: virtualOutbound). */
const OUTBOUND_PORT = 15001;
/** How long a gateway pod waits for its load balancer's addresses before giving up. */
const GATEWAY_ADDRESS_WAIT_MS = 15_000;

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

/** The control plane's decision too (api/injection.ts): a pod it dials in plaintext runs no sidecar here. */
function injected(ctx: PodContext): boolean {
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

/** Creates the mesh of one embedded cluster. */
export function embeddedMesh(): MeshIntegration {
  /** Certificate rotation per meshed pod (by pod directory), stopped when the pod stops. */
  const rotations = new Map<string, Stoppable>();
  let plane: ControlPlane | undefined;
  let source: ObjectSource | undefined;
  let mesh: MeshContext | undefined;
  /**
   * The outbound proxy secret of each meshed pod (by pod directory), shared by its app (HTTP_PROXY userinfo) and its
   * sidecar (MB_PROXY_SECRET). Held in memory only and passed through the processes' environments, which other
   * users cannot read (/proc/<pid>/environ is private to the owner); a restarted pod gets a new one.
   */
  const proxySecrets = new Map<string, string>();
  const proxySecretOf = (ctx: PodContext): string => {
    let secret = proxySecrets.get(ctx.dir);
    if (!secret) proxySecrets.set(ctx.dir, (secret = newProxySecret()));
    return secret;
  };
  /**
   * The ADS token of this cluster's control plane, sent by its sidecars and gateways (mesh/ads/auth.ts). Kept in
   * the cluster's state directory (`xds-token`, 0600) once the mesh starts: pods adopted by a restarted cluster
   * process still send the token they were started with.
   */
  let xdsToken = newProxySecret();

  const proxyEnv = (ctx: PodContext, role: 'sidecar' | 'router'): Record<string, string> => {
    const pod = ctx.pod;
    const namespace = pod.metadata.namespace ?? 'default';
    const nodeName = String(rec(pod.spec).nodeName ?? '');
    const node = mesh?.store.list({ group: '', plural: 'nodes' }).find((n) => n.metadata.name === nodeName);
    const owner = workloadName(pod);
    return {
      MB_XDS_ADDRESS: plane?.address ?? '',
      MB_NODE_ID: `${role}~${ctx.podIP}~${pod.metadata.name}.${namespace}~${namespace}.svc.cluster.local`,
      MB_POD_IP: ctx.podIP,
      MB_POD_NAME: pod.metadata.name,
      MB_NAMESPACE: namespace,
      MB_SERVICE_ACCOUNT: String(rec(pod.spec).serviceAccountName ?? 'default'),
      MB_CLUSTER: ctx.cluster.name,
      MB_NETWORK: ctx.cluster.network,
      MB_LOCALITY: formatLocality(podLocality(pod.metadata.labels, node?.metadata.labels)),
      MB_WORKLOAD: owner,
      MB_LABELS: JSON.stringify(pod.metadata.labels ?? {}),
      MB_CERT_DIR: join(ctx.dir, 'certs'),
      MB_SERVED_BY_HEADER: '1',
      MB_XDS_TOKEN: xdsToken,
      ...(role === 'sidecar' ? { MB_PROXY_SECRET: proxySecretOf(ctx) } : {}),
    };
  };

  /** Writes the pod's first certificate (before its sidecar starts) and re-issues it before it expires. */
  const provision = async (ctx: PodContext, started: MeshContext): Promise<void> => {
    rotations.get(ctx.dir)?.stop();
    rotations.set(
      ctx.dir,
      await provisionWorkloadCertificate({
        caDir: join(started.home, 'ca'),
        trustDomain: ctx.cluster.trustDomain,
        namespace: ctx.pod.metadata.namespace ?? 'default',
        serviceAccount: String(rec(ctx.pod.spec).serviceAccountName ?? 'default'),
        dir: join(ctx.dir, 'certs'),
        onError: (err) => process.stderr.write(`certificate rotation for ${ctx.pod.metadata.name}: ${String(err)}\n`),
      }),
    );
  };

  return {
    async start(ctx) {
      await loadOrCreateRootCA(join(ctx.home, 'ca'));
      mesh = ctx;
      // The control plane reads this cluster's store directly, in-process.
      source = createStoreSource(ctx.store);
      xdsToken = loadOrCreateApiToken(join(ctx.dir, 'xds-token'));
      // The previous run's port first: sidecars adopted after a crash of the cluster process reconnect to it.
      const previous = Number(ctx.cluster.xdsAddress?.split(':').pop() ?? 0);
      const listen = (port: number) =>
        startControlPlane({
          source: source as ObjectSource,
          listen: { host: '127.0.0.1', port },
          clusterName: ctx.cluster.name,
          token: xdsToken,
          trustDomain: ctx.cluster.trustDomain,
        });
      plane = await (Number.isInteger(previous) && previous > 0 ? listen(previous).catch(() => listen(0)) : listen(0));
      return { xdsAddress: plane.address };
    },

    async prepare(ctx) {
      if (!mesh) throw new Error('the mesh has not started');
      const isGateway = ctx.pod.metadata.labels?.['istio'] === 'eastwestgateway';
      if (!injected(ctx) && !isGateway) return;
      if (isGateway) {
        await waitForGatewayAddresses(ctx, mesh.store);
        return; // gateways pass TLS through and hold no key
      }
      await provision(ctx, mesh);
    },

    async adopt(ctx) {
      if (!mesh) throw new Error('the mesh has not started');
      if (!injected(ctx) || ctx.pod.metadata.labels?.['istio'] === 'eastwestgateway') return;
      // Re-issuing at once would make the running sidecar reload its certificate mid-traffic; the one in place is
      // kept until the time its rotation would have renewed it.
      const renewAt = renewalOf(join(ctx.dir, 'certs', 'cert.pem'));
      if (renewAt === undefined || renewAt - Date.now() < ADOPT_MIN_REMAINING_MS) {
        await provision(ctx, mesh);
        return;
      }
      const started = mesh;
      const timer = setTimeout(() => {
        rotations.delete(ctx.dir);
        provision(ctx, started).catch((err: unknown) =>
          process.stderr.write(`certificate rotation for ${ctx.pod.metadata.name}: ${String(err)}\n`),
        );
      }, renewAt - Date.now());
      timer.unref();
      rotations.get(ctx.dir)?.stop();
      rotations.set(ctx.dir, { stop: () => clearTimeout(timer) });
    },

    podStopped(ctx) {
      rotations.get(ctx.dir)?.stop();
      rotations.delete(ctx.dir);
      proxySecrets.delete(ctx.dir);
    },

    sidecars(ctx): ProcessSpec[] {
      if (!injected(ctx)) return [];
      return [
        { name: 'istio-proxy', entry: SIDECAR_ENTRY, env: proxyEnv(ctx, 'sidecar'), readinessPort: OUTBOUND_PORT },
      ];
    },

    appEnv(ctx): Record<string, string> {
      if (!injected(ctx)) return {};
      return appProxyEnv({
        podIp: ctx.podIP,
        podName: ctx.pod.metadata.name,
        secret: proxySecretOf(ctx),
        outboundPort: OUTBOUND_PORT,
      });
    },

    gateway(ctx) {
      const addresses = gatewayAddresses(ctx, mesh?.store);
      if (addresses.length === 0) return { reason: 'the gateway load balancer has no addresses yet' };
      return {
        name: 'istio-proxy',
        entry: GATEWAY_ENTRY,
        // The pod IP only: the cluster's L4 load balancer (network/) owns the Service's addresses and forwards to
        // ready gateway pods, so several pods of one gateway run side by side. Those addresses are never dialled.
        env: {
          ...proxyEnv(ctx, 'router'),
          MB_GATEWAY_ADDRESSES: ctx.podIP,
          MB_GATEWAY_EXTERNAL_ADDRESSES: addresses.join(','),
        },
      };
    },

    async stop() {
      for (const r of rotations.values()) r.stop();
      rotations.clear();
      proxySecrets.clear();
      await plane?.close();
      await source?.close();
    },
  };
}

/** An adopted pod's certificate is re-issued at once when less than this is left before its renewal time. */
const ADOPT_MIN_REMAINING_MS = 60_000;

/**
 * When the rotation of identity/rotation.ts would renew the certificate in `file` (two thirds into its lifetime);
 * undefined when there is no readable certificate.
 */
function renewalOf(file: string): number | undefined {
  try {
    const cert = new X509Certificate(readFileSync(file));
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    return Number.isFinite(from) && Number.isFinite(to) ? from + ((to - from) * 2) / 3 : undefined;
  } catch {
    return undefined;
  }
}

/** The load-balancer addresses of the LoadBalancer Service that selects this gateway pod. */
function gatewayAddresses(ctx: PodContext, store: ClusterStore | undefined): string[] {
  if (!store) return [];
  const labels = ctx.pod.metadata.labels ?? {};
  const services = store.list({ group: '', plural: 'services' }, ctx.pod.metadata.namespace ?? 'default');
  for (const svc of services) {
    const spec = rec(svc.spec);
    const selector = rec(spec.selector) as Record<string, string>;
    if (spec.type !== 'LoadBalancer' || Object.keys(selector).length === 0) continue;
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
    const ingress = rec(rec(svc.status).loadBalancer).ingress;
    const ips = (Array.isArray(ingress) ? ingress : []).map((i) => String(rec(i).ip ?? '')).filter(Boolean);
    if (ips.length > 0) return ips;
  }
  return [];
}

async function waitForGatewayAddresses(ctx: PodContext, store: ClusterStore | undefined): Promise<void> {
  const deadline = Date.now() + GATEWAY_ADDRESS_WAIT_MS;
  while (gatewayAddresses(ctx, store).length === 0) {
    if (Date.now() > deadline) throw new Error('the gateway load balancer got no addresses');
    await new Promise((r) => setTimeout(r, 200));
  }
}
