/**
 * The proxy's live routing state, rebuilt from each accepted xDS state: a balancer per cluster (keeping host
 * outlier state across updates), the outbound route index, and the inbound SNI -> app address table.
 */
import { ClusterBalancer } from './balancer/cluster-balancer.js';
import { VirtualHostIndex } from './sidecar/routing.js';
import type { XdsState } from './xds/snapshot.js';

/** An inbound target: where the app listens for one service port. */
export interface InboundTarget {
  cluster: string;
  host: string;
  port: number;
  /** Trust domains whose peers this chain accepts; undefined = the proxy's own trust domain only. */
  trustDomains?: readonly string[];
}

/** Routing state shared by outbound, inbound, gateway and admin. */
export class ProxyRuntime {
  readonly balancers = new Map<string, ClusterBalancer>();
  routes = new VirtualHostIndex(undefined);
  /** SNI -> inbound target (from the virtualInbound listener's filter chains). */
  inbound = new Map<string, InboundTarget>();
  /** SNI -> cluster of an East-West gateway's routes (the `eastwest` listener's filter chains); nothing else forwards. */
  eastWest = new Map<string, string>();
  /**
   * Called after each applied state and each outlier ejection (the flight recorder's watcher compares the
   * balancers then). Must not throw.
   */
  onChange: (() => void) | undefined;

  /** Applies an accepted xDS state. */
  apply(state: XdsState): void {
    for (const [name, cluster] of state.cluster.models) {
      let b = this.balancers.get(name);
      if (!b) {
        b = new ClusterBalancer(cluster);
        b.onEjected = () => this.onChange?.();
        this.balancers.set(name, b);
      } else {
        b.cluster = cluster;
      }
      const assignment = cluster.discovery === 'STATIC' ? cluster.loadAssignment : state.endpoint.models.get(name);
      if (assignment) b.setEndpoints(assignment);
    }
    for (const name of [...this.balancers.keys()]) {
      if (!state.cluster.models.has(name)) this.balancers.delete(name);
    }
    this.routes = new VirtualHostIndex(state.route.models.get('outbound'));
    const inbound = new Map<string, InboundTarget>();
    const listener = state.listener.models.get('virtualInbound');
    for (const chain of listener?.filterChains ?? []) {
      if (!chain.cluster) continue;
      const la = state.cluster.models.get(chain.cluster)?.loadAssignment;
      const ep = la?.localities[0]?.endpoints[0];
      if (!ep) continue;
      const target: InboundTarget = { cluster: chain.cluster, host: ep.host, port: ep.port };
      if (chain.peerTrustDomains) target.trustDomains = chain.peerTrustDomains;
      for (const sni of chain.serverNames) inbound.set(sni, target);
    }
    this.inbound = inbound;
    const eastWest = new Map<string, string>();
    for (const chain of state.listener.models.get('eastwest')?.filterChains ?? []) {
      if (!chain.cluster) continue;
      for (const sni of chain.serverNames) eastWest.set(sni, chain.cluster);
    }
    this.eastWest = eastWest;
    this.onChange?.();
  }

  /** `/clusters` view. */
  clustersStatus(): Record<string, unknown> {
    return Object.fromEntries([...this.balancers].map(([name, b]) => [name, b.status()]));
  }
}
