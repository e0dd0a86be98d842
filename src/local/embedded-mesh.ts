/**
 * The mesh of an embedded cluster (contracts B and C): the cluster process runs meshbridge's xDS control plane over
 * its own store, issues each meshed pod a SPIFFE certificate from the shared root CA (mesh-certificates.ts), and
 * runs a sidecar next to the apps that Istio's injection rules select (api/injection.ts; e.g. namespace
 * `istio-injection=enabled`) and the East-West gateway process in gateway pods, each with the environment of
 * contract C.env (mesh-proxy-env.ts).
 */
import { join } from 'node:path';
import { DATAPLANE_ENTRIES } from '../dataplane/pod-env.js';
import { newProxySecret } from '../dataplane/sidecar/proxy-auth.js';
import { loadOrCreateRootCA } from '../identity/index.js';
import { startControlPlane, type ControlPlane } from '../mesh/control-plane.js';
import type { ObjectSource } from '../mesh/source.js';
import { createStoreSource } from '../mesh/store-source.js';
import { appProxyEnv, PROXY_PORTS, type ProxyRole } from '../xds/index.js';
import { loadOrCreateApiToken } from './api-token.js';
import { gatewayAddresses, waitForGatewayAddresses } from './gateway-addresses.js';
import { podCertificates } from './mesh-certificates.js';
import type { MeshContext, MeshIntegration, PodContext, ProcessSpec } from './mesh-integration.js';
import { injected, meshProxyEnv } from './mesh-proxy-env.js';
import { probeIntervalMs, startRemoteProbes, type RemoteProbes } from './remote-probes.js';
import { eventRecorder } from './events/recorder.js';

const isGatewayPod = (ctx: PodContext): boolean => ctx.pod.metadata.labels?.['istio'] === 'eastwestgateway';

/** Starts the control plane on the previous run's port when there is one, so adopted sidecars reconnect to it. */
async function listenControlPlane(ctx: MeshContext, source: ObjectSource, token: string): Promise<ControlPlane> {
  const previous = Number(ctx.cluster.xdsAddress?.split(':').pop() ?? 0);
  const listen = (port: number) =>
    startControlPlane({
      source,
      listen: { host: '127.0.0.1', port },
      clusterName: ctx.cluster.name,
      token,
      trustDomain: ctx.cluster.trustDomain,
    });
  return Number.isInteger(previous) && previous > 0 ? listen(previous).catch(() => listen(0)) : listen(0);
}

/** Creates the mesh of one embedded cluster. */
export function embeddedMesh(): MeshIntegration {
  const certificates = podCertificates();
  let plane: ControlPlane | undefined;
  let probes: RemoteProbes | undefined;
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
  const proxyEnv = (ctx: PodContext, role: ProxyRole): Record<string, string> =>
    meshProxyEnv(ctx, {
      role,
      store: mesh?.store,
      xdsAddress: plane?.address ?? '',
      xdsToken,
      ...(role === 'sidecar' ? { proxySecret: proxySecretOf(ctx) } : {}),
    });
  const started = (): MeshContext => {
    if (!mesh) throw new Error('the mesh has not started');
    return mesh;
  };

  return {
    async start(ctx) {
      const ca = await loadOrCreateRootCA(join(ctx.home, 'ca'));
      mesh = ctx;
      // The control plane reads this cluster's store directly, in-process.
      source = createStoreSource(ctx.store);
      xdsToken = loadOrCreateApiToken(join(ctx.dir, 'xds-token'));
      plane = await listenControlPlane(ctx, source, xdsToken);
      const intervalMs = probeIntervalMs();
      if (intervalMs > 0) {
        probes = startRemoteProbes({
          store: ctx.store,
          ca,
          trustDomain: ctx.cluster.trustDomain,
          events: eventRecorder({ store: ctx.store }),
          intervalMs,
        });
      }
      return { xdsAddress: plane.address };
    },

    async prepare(ctx) {
      const m = started();
      if (isGatewayPod(ctx)) return waitForGatewayAddresses(ctx, m.store); // gateways pass TLS through, hold no key
      if (injected(ctx)) await certificates.provision(ctx, m);
    },

    async adopt(ctx) {
      const m = started();
      if (injected(ctx) && !isGatewayPod(ctx)) await certificates.adopt(ctx, m);
    },

    podStopped(ctx) {
      certificates.forget(ctx.dir);
      proxySecrets.delete(ctx.dir);
    },

    sidecars(ctx): ProcessSpec[] {
      if (!injected(ctx)) return [];
      const env = proxyEnv(ctx, 'sidecar');
      return [{ name: 'istio-proxy', entry: DATAPLANE_ENTRIES.sidecar, env, readinessPort: PROXY_PORTS.outbound }];
    },

    appEnv(ctx): Record<string, string> {
      if (!injected(ctx)) return {};
      return appProxyEnv({
        podIp: ctx.podIP,
        podName: ctx.pod.metadata.name,
        secret: proxySecretOf(ctx),
        outboundPort: PROXY_PORTS.outbound,
      });
    },

    gateway(ctx) {
      const addresses = gatewayAddresses(ctx, mesh?.store);
      if (addresses.length === 0) return { reason: 'the gateway load balancer has no addresses yet' };
      return {
        name: 'istio-proxy',
        entry: DATAPLANE_ENTRIES.gateway,
        // The pod IP only: the cluster's L4 load balancer (network/) owns the Service's addresses and forwards to
        // ready gateway pods, so several pods of one gateway run side by side. Those addresses are never dialled.
        env: {
          ...proxyEnv(ctx, 'router'),
          MB_GATEWAY_ADDRESSES: ctx.podIP,
          MB_GATEWAY_EXTERNAL_ADDRESSES: addresses.join(','),
        },
      };
    },

    convergence() {
      return plane?.convergence();
    },

    async stop() {
      probes?.stop();
      certificates.stopAll();
      proxySecrets.clear();
      await plane?.close();
      await source?.close();
    },
  };
}
