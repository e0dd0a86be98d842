/**
 * Stage 2 of the control plane: the pure translation `translate(snapshot, proxy) -> xDS resources` (contract C).
 * No I/O, no clock, no randomness: the same inputs always give the same output, which the ADS server hashes to
 * decide whether a proxy needs a push.
 */
import type { Proxy } from '../proxy.js';
import type { Snapshot } from '../snapshot.js';
import { resourceName, type XdsObject, type XdsResources } from '../xds-types.js';
import { inboundCluster, outboundCluster } from './clusters.js';
import {
  connectTimeoutMs,
  failoverBehaviour,
  findDestinationRule,
  outlierDetection,
  priorityPolicy,
} from './destination-rule.js';
import { loadAssignment } from './endpoints.js';
import {
  LISTENER_NAMES,
  apiListener,
  eastWestListener,
  resolveListenerTarget,
  virtualInbound,
  virtualOutbound,
} from './listeners.js';
import { exportedHosts, gatewayPeerIps, isExported } from './gateways.js';
import { outboundClusterName } from './names.js';
import { outboundRouteConfiguration } from './routes.js';
import { inboundPorts, servicePorts, type InboundPort, type MeshServicePort } from './services.js';
import { enterSnapshot, fingerprintOf, reuse, stableConcat, stableList } from './reuse.js';
import { formatLocality } from '../locality.js';
import { peerTrustDomains } from './authorization.js';

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
 * - router (East-West gateway): the `eastwest` listener, and clusters and assignments (local endpoints only, no
 *   routes) of exactly the Kubernetes services the Gateways selecting it export (see gateways.ts): nothing else
 *   exists in its configuration, so nothing else can be reached through it.
 */
export function translate(snapshot: Snapshot, proxy: Proxy, options: TranslateOptions = {}): XdsResources {
  const isRouter = proxy.type === 'router';
  const ports = isRouter ? exportedPorts(snapshot, proxy) : servicePorts(snapshot, { localOnly: false });
  const outbound = sharedOutbound(snapshot, proxy, ports);
  // Per-proxy resources are reused while their inputs are unchanged, so an unrelated change leaves this proxy's
  // lists the same arrays (the ADS server then skips it by identity).
  const ownClusters: XdsObject[] = [];
  const listeners: XdsObject[] = [];
  if (isRouter) {
    listeners.push(eastWest(ports));
  } else {
    const pod = snapshot.podsByIp.get(proxy.ip);
    const inbound: InboundPort[] = pod ? inboundPorts(snapshot, pod) : [];
    const seen = new Set<number>();
    for (const p of inbound) {
      // Two services may expose the same port of one pod; the first (by host) names the inbound cluster.
      if (seen.has(p.port)) continue;
      seen.add(p.port);
      ownClusters.push(reuse(`inbound|${proxy.ip}|${fingerprintOf(p)}`, () => inboundCluster(proxy.ip, p)));
    }
    const domains = peerTrustDomains(snapshot);
    listeners.push(
      reuse(`vout|${proxy.ip}`, () => virtualOutbound(proxy.ip)),
      reuse(`vin|${proxy.ip}|${fingerprintOf(inbound)}|${fingerprintOf(domains ?? ['-'])}`, () =>
        virtualInbound(proxy.ip, inbound, domains),
      ),
    );
  }
  const fixed = new Set<string>(Object.values(LISTENER_NAMES));
  for (const name of options.listenerNames ?? []) {
    if (fixed.has(name)) continue;
    const sp = resolveListenerTarget(ports, name, proxy.namespace);
    if (sp) listeners.push(reuse(`api|${name}|${fingerprintOf(sp)}`, () => apiListener(name, sp)));
  }
  const own = `${proxy.type}|${proxy.ip}|${proxy.namespace}|${(options.listenerNames ?? []).join(',')}`;
  return {
    clusters: stableConcat(`list|clusters|${own}`, outbound.clusters, ownClusters, () =>
      [...outbound.clusters, ...ownClusters].sort(byName),
    ),
    endpoints: outbound.endpoints,
    routes: outbound.routes,
    listeners: stableList(`list|listeners|${own}`, listeners.sort(byName)),
  };
}

/**
 * The Kubernetes service ports a gateway proxy exports (local endpoints only). A service with an endpoint on the
 * gateway itself or on a peer replica (a pod its Gateways select) is never exported, even when listed: an SNI
 * naming it would make the gateway dial itself, one connection multiplying into thousands.
 */
function exportedPorts(snapshot: Snapshot, proxy: Proxy): MeshServicePort[] {
  const hosts = exportedHosts(snapshot, proxy);
  if (hosts.length === 0) return [];
  const self = new Set([proxy.ip, ...gatewayPeerIps(snapshot, proxy)]);
  return servicePorts(snapshot, { localOnly: true }).filter(
    (sp) =>
      sp.source === 'service' &&
      isExported(hosts, sp.host, sp.namespace) &&
      !sp.endpoints.some((e) => self.has(e.address)),
  );
}

/** The gateway listener: a chain per exported Kubernetes Service port (see {@link exportedPorts}). */
function eastWest(exported: readonly MeshServicePort[]): XdsObject {
  const inputs = fingerprintOf(exported.map((p) => [p.host, p.port]));
  return reuse(`eastwest|${inputs}`, () => eastWestListener(exported));
}

/** The part of a proxy's resources that depends only on its role, namespace, locality and labels. */
interface SharedOutbound {
  readonly clusters: readonly XdsObject[];
  readonly endpoints: readonly XdsObject[];
  readonly routes: readonly XdsObject[];
}

const sharedBySnapshot = new WeakMap<Snapshot, Map<string, SharedOutbound>>();
const labelScoped = new WeakMap<Snapshot, boolean>();

/** Whether any priority in the snapshot (a rule's, or the default's) orders endpoints by the client's labels. */
function labelsMatter(snapshot: Snapshot): boolean {
  let matter = labelScoped.get(snapshot);
  if (matter === undefined) {
    matter = [undefined, ...snapshot.destinationRules].some((dr) => {
      const policy = priorityPolicy(dr);
      return typeof policy !== 'string' && policy.failoverPriority.length > 0;
    });
    labelScoped.set(snapshot, matter);
  }
  return matter;
}

/**
 * Outbound clusters, assignments and routes, computed once per snapshot for all proxies that share role,
 * namespace, locality and labels, and made of objects reused from the previous snapshot where their inputs did
 * not change (see reuse.ts).
 */
function sharedOutbound(snapshot: Snapshot, proxy: Proxy, ports: readonly MeshServicePort[]): SharedOutbound {
  enterSnapshot(snapshot);
  let bySnapshot = sharedBySnapshot.get(snapshot);
  if (!bySnapshot) sharedBySnapshot.set(snapshot, (bySnapshot = new Map()));
  // Labels only shape priorities (failoverPriority); without such a rule every workload of a namespace and
  // locality shares one group, instead of one group (and one pass over every service) per label set.
  const labels = labelsMatter(snapshot) ? fingerprintOf(Object.fromEntries(Object.entries(proxy.labels).sort())) : '-';
  const locality = formatLocality(proxy.locality);
  // A gateway's exported ports also depend on its own IP (see exportedPorts).
  const key = `${proxy.type}|${proxy.namespace}|${locality}|${labels}${proxy.type === 'router' ? `|${proxy.ip}` : ''}`;
  const hit = bySnapshot.get(key);
  if (hit) return hit;
  const clusters: XdsObject[] = [];
  const endpoints: XdsObject[] = [];
  for (const sp of ports) {
    const name = outboundClusterName(sp.port, sp.host);
    const dr = findDestinationRule(snapshot, sp.host, proxy.namespace, sp.namespace);
    const behaviour = failoverBehaviour(dr);
    const policy = priorityPolicy(dr);
    const drPrint = dr ? fingerprintOf([dr.spec ?? {}, behaviour, policy]) : '';
    const connectTimeout = connectTimeoutMs(dr);
    clusters.push(
      reuse(`cluster|${name}|${drPrint}`, () =>
        outboundCluster(sp, {
          name,
          connectTimeoutMs: connectTimeout,
          outlierDetection: outlierDetection(dr),
          failback: behaviour.failback,
        }),
      ),
    );
    // The proxy's labels only matter to priorities through failoverPriority.
    const client = typeof policy === 'string' ? '' : `${locality}|${policy.failoverPriority.length ? labels : ''}`;
    endpoints.push(
      reuse(`cla|${name}|${fingerprintOf(sp)}|${drPrint}|${client}`, () =>
        loadAssignment(name, sp, proxy, policy, behaviour.overprovisioningFactor),
      ),
    );
  }
  const isRouter = proxy.type === 'router';
  const routeInputs = fingerprintOf(ports.map((p) => [p.source, p.host, p.name, p.namespace, p.port, p.clusterIP]));
  const shared: SharedOutbound = {
    clusters: stableList(`list|cds|${key}`, clusters.sort(byName)),
    endpoints: stableList(`list|eds|${key}`, endpoints.sort(byName)),
    routes: stableList(
      `list|rds|${key}`,
      isRouter
        ? []
        : [reuse(`routes|${proxy.namespace}|${routeInputs}`, () => outboundRouteConfiguration(ports, proxy.namespace))],
    ),
  };
  bySnapshot.set(key, shared);
  return shared;
}
