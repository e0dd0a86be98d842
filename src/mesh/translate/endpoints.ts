/** ClusterLoadAssignments: endpoints grouped by locality and priority (SEMANTICS.md section 4). */
import {
  assignPriorities,
  formatLocality,
  type Locality,
  type PrioritiesOff,
  type PriorityPeer,
  type PriorityPolicy,
} from '../../priority/index.js';
import type { Proxy } from '../proxy.js';
import type { MeshEndpoint, MeshServicePort } from './services.js';
import { stringStruct, type XdsObject } from '../xds-types.js';

/**
 * Envoy's default overprovisioning factor (1.4, as a percentage): a priority keeps all traffic while at least
 * 1/1.4 = 72 % of its hosts are healthy. Set explicitly so every client applies the same rule.
 */
export const OVERPROVISIONING_FACTOR = 140;

/**
 * The ClusterLoadAssignment of `clusterName` for `proxy`. With a `policy`, priorities come from the proxy's
 * locality and labels (the priority engine's {@link assignPriorities}, compacted 0..N); when priorities are off
 * (the engine's decision, with its reason) every endpoint is priority 0.
 * Every locality carries `load_balancing_weight` (the sum of its endpoints' weights) because grpc-js-xds drops
 * localities without one; unhealthy endpoints are kept with `health_status: UNHEALTHY` so a level's health is
 * ready/all, which is what the 1.4 overprovisioning rule is defined on. A FailoverPolicy's `minHealthyPercent`
 * sets another factor (`overprovisioningFactorFor`).
 */
export function loadAssignment(
  clusterName: string,
  sp: MeshServicePort,
  proxy: Proxy,
  policy: PriorityPolicy | PrioritiesOff,
  overprovisioningFactor = OVERPROVISIONING_FACTOR,
): XdsObject {
  const client: PriorityPeer = { locality: proxy.locality, labels: proxy.labels };
  const priorities = assignPriorities(client, sp.endpoints, policy).map((p) => p.priority);
  const groups = new Map<string, { locality: Locality; priority: number; members: MeshEndpoint[] }>();
  sp.endpoints.forEach((e, i) => {
    const priority = priorities[i] ?? 0;
    const key = `${priority}|${formatLocality(e.locality)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { locality: e.locality, priority, members: [] }));
    g.members.push(e);
  });
  const ordered = [...groups.entries()].sort(([a], [b]) => {
    const [pa, la] = [Number(a.split('|')[0]), a.slice(a.indexOf('|') + 1)];
    const [pb, lb] = [Number(b.split('|')[0]), b.slice(b.indexOf('|') + 1)];
    return pa - pb || (la < lb ? -1 : la > lb ? 1 : 0);
  });
  return {
    cluster_name: clusterName,
    endpoints: ordered.map(([, g]) => ({
      locality: { region: g.locality.region, zone: g.locality.zone, sub_zone: g.locality.subzone },
      priority: g.priority,
      load_balancing_weight: { value: g.members.reduce((n, e) => n + e.weight, 0) },
      lb_endpoints: [...g.members].sort(byAddress).map(lbEndpoint),
    })),
    policy: { overprovisioning_factor: { value: overprovisioningFactor } },
  };
}

function byAddress(a: MeshEndpoint, b: MeshEndpoint): number {
  const ka = `${a.address}:${a.port}`;
  const kb = `${b.address}:${b.port}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function lbEndpoint(e: MeshEndpoint): XdsObject {
  const out: Record<string, unknown> = {
    endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
    health_status: e.draining ? 'DRAINING' : e.healthy ? 'HEALTHY' : 'UNHEALTHY',
    load_balancing_weight: { value: e.weight },
  };
  // The client picks its transport socket by this metadata (Istio's tlsMode-istio transport_socket_match).
  if (e.tlsMode === 'istio') {
    // With the identities the server may present (Istio's subjectAltNames): the client refuses any other one.
    out['metadata'] = {
      filter_metadata: {
        'envoy.transport_socket_match': stringStruct({ tlsMode: 'istio' }),
        ...(e.identities.length ? { meshbridge: stringStruct({ subjectAltNames: e.identities.join(',') }) } : {}),
      },
    };
  }
  return out;
}
