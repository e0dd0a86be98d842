/**
 * What a cluster's L4 load balancer must serve, computed from the store: one frontend per (ingress address, port)
 * of every `type: LoadBalancer` Service, each with the Service's ready endpoints for that port as backends. Pure.
 *
 * As kube-proxy does, only `Endpoints.subsets[].addresses` (ready pods) are backends: a not-ready or terminating
 * pod (the endpoints controller drops pods with a deletion timestamp) gets no new connection. A backend on one of
 * the load balancer's own addresses is left out, so a frontend can never forward to itself or to a sibling.
 */
import { rec, recs } from '../controllers/refs.js';

/**
 * The fields of a Service or Endpoints object the plan reads: a stored object and one read from the API alike.
 */
export interface LbObject {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: unknown;
  readonly status?: unknown;
  readonly subsets?: unknown;
}

/** One TCP backend. */
export interface LbBackend {
  readonly ip: string;
  readonly port: number;
}

/** One listening address:port and where its connections go. */
export interface LbFrontend {
  /** `<ip>:<port>`: unique within a cluster. */
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  /** The Service it belongs to, `<namespace>/<name>` (logs, metrics). */
  readonly service: string;
  /** Ready endpoints, sorted (stable order, so an unchanged set compares equal). */
  readonly backends: readonly LbBackend[];
}

/** Pure: the frontends of every LoadBalancer Service (UDP/SCTP ports skipped: the balancer is TCP only). */
export function loadBalancerPlan(input: {
  services: readonly LbObject[];
  endpoints: readonly LbObject[];
}): LbFrontend[] {
  const lbServices = input.services.filter((s) => rec(s.spec).type === 'LoadBalancer');
  const ingressOf = (s: LbObject): string[] =>
    recs(rec(rec(s.status).loadBalancer).ingress)
      .map((i) => (typeof i.ip === 'string' ? i.ip : ''))
      .filter((ip) => ip !== '');
  const own = new Set(lbServices.flatMap(ingressOf));
  const nameOf = (o: LbObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  const endpointsOf = new Map(input.endpoints.map((e) => [nameOf(e), e]));
  const out = new Map<string, LbFrontend>();
  for (const svc of lbServices) {
    const service = nameOf(svc);
    const ports = recs(rec(svc.spec).ports).filter(
      (p) => typeof p.port === 'number' && (p.protocol === undefined || p.protocol === 'TCP'),
    );
    const subsets = recs(endpointsOf.get(service)?.subsets);
    for (const [index, port] of ports.entries()) {
      const backends = subsets
        .flatMap((subset) => {
          const target = endpointPort(recs(subset.ports), port, index);
          if (target === undefined) return [];
          return recs(subset.addresses)
            .map((a) => (typeof a.ip === 'string' ? a.ip : ''))
            .filter((ip) => ip !== '' && !own.has(ip))
            .map((ip) => ({ ip, port: target }));
        })
        .sort((a, b) => a.ip.localeCompare(b.ip, undefined, { numeric: true }) || a.port - b.port);
      for (const ip of ingressOf(svc)) {
        const key = `${ip}:${String(port.port)}`;
        // Two Services claiming one address:port: the first (store order) keeps it, as a real LB would refuse
        // the second allocation.
        if (!out.has(key)) out.set(key, { key, ip, port: port.port as number, service, backends });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
}

/** The endpoint port for a service port: matched by name, else (unnamed single-port services) by position. */
function endpointPort(
  epPorts: readonly Record<string, unknown>[],
  svcPort: Record<string, unknown>,
  index: number,
): number | undefined {
  const named = typeof svcPort.name === 'string' && svcPort.name !== '' ? svcPort.name : undefined;
  const match = named !== undefined ? epPorts.find((p) => p.name === named) : epPorts[index];
  return typeof match?.port === 'number' && match.port > 0 ? match.port : undefined;
}
