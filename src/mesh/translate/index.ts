/**
 * Stage 2 of the control plane: the pure translation `translate(snapshot, proxy) -> xDS resources` (contract C).
 * No I/O, no clock, no randomness: the same inputs always give the same output, which the ADS server hashes to
 * decide whether a proxy needs a push.
 */
import type { Proxy } from '../proxy.js';
import type { Snapshot } from '../snapshot.js';
import { resourceName, type XdsObject, type XdsResources } from '../xds-types.js';
import { inboundCluster, outboundCluster } from './clusters.js';
import { connectTimeoutMs, findDestinationRule, outlierDetection, priorityPolicy } from './destination-rule.js';
import { loadAssignment } from './endpoints.js';
import {
  LISTENER_NAMES,
  apiListener,
  eastWestListener,
  resolveListenerTarget,
  virtualInbound,
  virtualOutbound,
} from './listeners.js';
import { outboundClusterName } from './names.js';
import { outboundRouteConfiguration } from './routes.js';
import { inboundPorts, servicePorts, type InboundPort } from './services.js';

/** Per-request inputs besides snapshot and proxy. */
export interface TranslateOptions {
  /**
   * Listener names the proxy asked for by name (an LDS request that is not a wildcard). Names that are not one of
   * the fixed listeners are resolved as proxyless gRPC targets and answered with an API listener; unresolvable
   * names get nothing (the client then sees the resource as absent).
   */
  readonly listenerNames?: readonly string[];
}

const byName = (a: XdsObject, b: XdsObject): number => {
  const x = resourceName(a);
  const y = resourceName(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * The xDS resources for one proxy.
 * - sidecar: an EDS cluster + assignment per service port (WorkloadEntries and ServiceEntries included),
 *   the `outbound` route configuration, `virtualOutbound` and `virtualInbound` with their STATIC inbound clusters
 *   (when the proxy's IP is a pod in the snapshot);
 * - router (East-West gateway): clusters and assignments of every Kubernetes service with local endpoints only,
 *   no routes, the `eastwest` listener.
 */
export function translate(snapshot: Snapshot, proxy: Proxy, options: TranslateOptions = {}): XdsResources {
  const isRouter = proxy.type === 'router';
  const ports = servicePorts(snapshot, { localOnly: isRouter });
  const clusters: XdsObject[] = [];
  const endpoints: XdsObject[] = [];
  for (const sp of ports) {
    const name = outboundClusterName(sp.port, sp.host);
    const dr = findDestinationRule(snapshot, sp.host, proxy.namespace, sp.namespace);
    clusters.push(
      outboundCluster(sp, { name, connectTimeoutMs: connectTimeoutMs(dr), outlierDetection: outlierDetection(dr) }),
    );
    endpoints.push(loadAssignment(name, sp, proxy, priorityPolicy(dr)));
  }
  const listeners: XdsObject[] = [];
  const routes: XdsObject[] = [];
  if (isRouter) {
    listeners.push(eastWestListener(ports.filter((sp) => sp.source === 'service')));
  } else {
    routes.push(outboundRouteConfiguration(ports, proxy.namespace));
    const pod = snapshot.podsByIp.get(proxy.ip);
    const inbound: InboundPort[] = pod ? inboundPorts(snapshot, pod) : [];
    const seen = new Set<number>();
    for (const p of inbound) {
      // Two services may expose the same port of one pod; the first (by host) names the inbound cluster.
      if (seen.has(p.port)) continue;
      seen.add(p.port);
      clusters.push(inboundCluster(proxy.ip, p));
    }
    listeners.push(virtualOutbound(proxy.ip), virtualInbound(proxy.ip, inbound));
  }
  const fixed = new Set<string>(Object.values(LISTENER_NAMES));
  for (const name of options.listenerNames ?? []) {
    if (fixed.has(name)) continue;
    const sp = resolveListenerTarget(ports, name, proxy.namespace);
    if (sp) listeners.push(apiListener(name, sp));
  }
  return {
    clusters: clusters.sort(byName),
    endpoints: endpoints.sort(byName),
    routes: routes.sort(byName),
    listeners: listeners.sort(byName),
  };
}
