/**
 * The addresses an East-West gateway pod is reached at: the load-balancer addresses of the LoadBalancer Service
 * that selects it (the cluster's L4 load balancer, network/, assigns them).
 */
import type { PodContext } from './mesh-integration.js';
import { rec } from './mesh-proxy-env.js';
import type { ClusterStore } from './store/cluster-store.js';

/** How long a gateway pod waits for its load balancer's addresses before giving up. */
const GATEWAY_ADDRESS_WAIT_MS = 15_000;

/** The load-balancer addresses of the LoadBalancer Service that selects this gateway pod; empty when none yet. */
export function gatewayAddresses(ctx: PodContext, store: ClusterStore | undefined): string[] {
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

/** Waits (polling every 200 ms, at most 15 s) until the gateway pod has addresses; throws when it gets none. */
export async function waitForGatewayAddresses(ctx: PodContext, store: ClusterStore | undefined): Promise<void> {
  const deadline = Date.now() + GATEWAY_ADDRESS_WAIT_MS;
  while (gatewayAddresses(ctx, store).length === 0) {
    if (Date.now() > deadline) throw new Error('the gateway load balancer got no addresses');
    await new Promise((r) => setTimeout(r, 200));
  }
}
