/**
 * The service registry view translation works from: every service port a proxy can call, with its endpoints,
 * derived from Services + Endpoints (+ Pods), WorkloadEntries and ServiceEntries. Proxy independent, so it is
 * computed once per snapshot and proxy role (memoized on the snapshot object).
 */
import { isIP } from 'node:net';
import type { EndpointAddress, Pod, Service, ServicePort, WorkloadEntrySpec } from '../inputs.js';
import { NO_LOCALITY, parseLocality, podLocality, type Locality } from '../locality.js';
import {
  localityOfPod,
  objectKey,
  podHasSidecar,
  podIsReady,
  selectorMatches,
  serviceFqdn,
  type Snapshot,
} from '../snapshot.js';

/** The port a sidecar accepts mesh mTLS on (contract C): local peers with a sidecar are dialled here. */
export const SIDECAR_INBOUND_PORT = 15006;

/** Label carrying whether a workload speaks mesh mTLS (Istio's). */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/** How the mesh speaks to a port: HTTP (HCM) or opaque TCP (tcp_proxy). */
export type PortProtocol = 'http' | 'tcp';

/** One endpoint of a service port. */
export interface MeshEndpoint {
  readonly address: string;
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Locality;
  /** `istio`: reached with mesh mTLS (a sidecar or an East-West gateway); `disabled`: plaintext. */
  readonly tlsMode: 'istio' | 'disabled';
  readonly healthy: boolean;
  readonly weight: number;
  readonly origin: 'pod' | 'workloadEntry' | 'serviceEntry';
}

/** One port of a Kubernetes Service or ServiceEntry host, with its endpoints. */
export interface MeshServicePort {
  readonly source: 'service' | 'serviceEntry';
  readonly host: string;
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly portName: string;
  readonly protocol: PortProtocol;
  readonly clusterIP: string | undefined;
  readonly endpoints: readonly MeshEndpoint[];
}

/** Istio's port naming convention: `http`, `http2`, `grpc`, `grpc-web` (or an appProtocol) mean HTTP. */
export function portProtocol(name: string | undefined, appProtocol?: string): PortProtocol {
  const p = (appProtocol ?? name ?? '').toLowerCase();
  if (p === '' || /^(http|http2|grpc|grpc-web|h2c)(-|$)/.test(p)) return 'http';
  return 'tcp';
}

/** Options: gateways (`router`) see local endpoints only, never WorkloadEntries or ServiceEntries. */
export interface RegistryOptions {
  readonly localOnly: boolean;
}

const memo = new WeakMap<Snapshot, Map<boolean, readonly MeshServicePort[]>>();

/**
 * Every service port of the snapshot, sorted by host then port. ServiceEntry hosts that equal a Kubernetes
 * Service's FQDN are ignored (the Service wins; the federation removes such entries once the service is local).
 */
export function servicePorts(snapshot: Snapshot, options: RegistryOptions): readonly MeshServicePort[] {
  let bySnapshot = memo.get(snapshot);
  if (!bySnapshot) memo.set(snapshot, (bySnapshot = new Map()));
  const cached = bySnapshot.get(options.localOnly);
  if (cached) return cached;
  const out: MeshServicePort[] = [];
  const serviceHosts = new Set<string>();
  for (const svc of snapshot.services) {
    serviceHosts.add(serviceFqdn(svc));
    for (const port of svc.spec?.ports ?? []) out.push(kubeServicePort(snapshot, svc, port, options));
  }
  if (!options.localOnly) out.push(...serviceEntryPorts(snapshot, serviceHosts));
  out.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.port - b.port));
  const frozen = Object.freeze(out);
  bySnapshot.set(options.localOnly, frozen);
  return frozen;
}

function kubeServicePort(
  snapshot: Snapshot,
  svc: Service,
  port: ServicePort,
  options: RegistryOptions,
): MeshServicePort {
  const namespace = svc.metadata.namespace ?? 'default';
  const endpoints: MeshEndpoint[] = [];
  const eps = snapshot.endpoints.get(objectKey(svc));
  if (eps) endpoints.push(...fromEndpointsObject(snapshot, svc, port));
  else endpoints.push(...fromSelectedPods(snapshot, svc, port));
  if (!options.localOnly) {
    for (const we of snapshot.workloadEntries) {
      if ((we.metadata.namespace ?? 'default') !== namespace) continue;
      if (!selectorMatches(svc.spec?.selector, we.spec?.labels)) continue;
      const numericTarget = typeof port.targetPort === 'number' ? port.targetPort : undefined;
      const ep = fromWorkloadEntrySpec(we.spec ?? {}, port.name ?? '', numericTarget ?? port.port, 'workloadEntry');
      if (ep) endpoints.push(ep);
    }
  }
  const clusterIP = svc.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? svc.spec.clusterIP : undefined;
  return {
    source: 'service',
    host: serviceFqdn(svc),
    name: svc.metadata.name ?? '',
    namespace,
    port: port.port,
    portName: port.name ?? '',
    protocol: portProtocol(port.name, port.appProtocol),
    clusterIP,
    endpoints: dedupe(endpoints),
  };
}

/** Endpoints from the Kubernetes Endpoints object: ready addresses are healthy, not-ready ones unhealthy. */
function fromEndpointsObject(snapshot: Snapshot, svc: Service, port: ServicePort): MeshEndpoint[] {
  const out: MeshEndpoint[] = [];
  const eps = snapshot.endpoints.get(objectKey(svc));
  const single = (svc.spec?.ports ?? []).length === 1;
  for (const subset of eps?.subsets ?? []) {
    const sp =
      (subset.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '')) ??
      (single ? subset.ports?.[0] : undefined);
    if (!sp) continue;
    const add = (a: EndpointAddress, healthy: boolean) => {
      const ref = a.targetRef;
      const pod =
        (ref?.kind === 'Pod' && ref.name
          ? snapshot.podsByName.get(`${ref.namespace ?? 'default'}/${ref.name}`)
          : undefined) ?? snapshot.podsByIp.get(a.ip);
      const nodeLabels = a.nodeName ? snapshot.nodes.get(a.nodeName)?.metadata.labels : undefined;
      out.push(
        podEndpoint(snapshot, pod, a.ip, sp.port, healthy, pod ? undefined : podLocality(undefined, nodeLabels)),
      );
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
  }
  return out;
}

/** Without an Endpoints object (no endpoints controller), the Running pods the selector picks. */
function fromSelectedPods(snapshot: Snapshot, svc: Service, port: ServicePort): MeshEndpoint[] {
  const namespace = svc.metadata.namespace ?? 'default';
  const out: MeshEndpoint[] = [];
  for (const pod of snapshot.pods) {
    if ((pod.metadata.namespace ?? 'default') !== namespace || !pod.status?.podIP) continue;
    if (pod.status.phase !== 'Running' || !selectorMatches(svc.spec?.selector, pod.metadata.labels)) continue;
    const target = resolveTargetPort(pod, port);
    if (target === undefined) continue;
    out.push(podEndpoint(snapshot, pod, pod.status.podIP, target, podIsReady(pod), undefined));
  }
  return out;
}

function resolveTargetPort(pod: Pod, port: ServicePort): number | undefined {
  const t = port.targetPort;
  if (t === undefined) return port.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of pod.spec?.containers ?? []) {
    const found = c.ports?.find((p) => p.name === t);
    if (found) return found.containerPort;
  }
  return undefined;
}

function podEndpoint(
  snapshot: Snapshot,
  pod: Pod | undefined,
  ip: string,
  targetPort: number,
  healthy: boolean,
  fallbackLocality: Locality | undefined,
): MeshEndpoint {
  // A pod with a sidecar is dialled on its sidecar's inbound mTLS port, never on the app port directly.
  const sidecar = pod !== undefined && podHasSidecar(snapshot, pod);
  return {
    address: ip,
    port: sidecar ? SIDECAR_INBOUND_PORT : targetPort,
    labels: pod?.metadata.labels ?? {},
    locality: pod ? localityOfPod(snapshot, pod) : (fallbackLocality ?? NO_LOCALITY),
    tlsMode: sidecar ? 'istio' : 'disabled',
    healthy,
    weight: 1,
    origin: 'pod',
  };
}

/** A WorkloadEntry (or ServiceEntry inline endpoint) as an endpoint; `undefined` when its address is not an IP. */
function fromWorkloadEntrySpec(
  spec: WorkloadEntrySpec,
  portName: string,
  defaultPort: number,
  origin: MeshEndpoint['origin'],
): MeshEndpoint | undefined {
  // xDS endpoints must be IP addresses (grpc-js-xds and Envoy's EDS reject names); DNS names are not resolved here.
  if (!spec.address || isIP(spec.address) === 0) return undefined;
  const labels = spec.labels ?? {};
  return {
    address: spec.address,
    port: spec.ports?.[portName] ?? defaultPort,
    labels,
    locality: parseLocality(spec.locality),
    tlsMode: labels[TLS_MODE_LABEL] === 'istio' ? 'istio' : 'disabled',
    healthy: true,
    weight: spec.weight && spec.weight > 0 ? spec.weight : 1,
    origin,
  };
}

function serviceEntryPorts(snapshot: Snapshot, serviceHosts: ReadonlySet<string>): MeshServicePort[] {
  const out: MeshServicePort[] = [];
  for (const se of snapshot.serviceEntries) {
    const namespace = se.metadata.namespace ?? 'default';
    const spec = se.spec ?? {};
    for (const host of spec.hosts ?? []) {
      if (host.includes('*') || serviceHosts.has(host)) continue;
      for (const port of spec.ports ?? []) {
        const endpoints: MeshEndpoint[] = [];
        const defaultPort = port.targetPort ?? port.number;
        if (spec.workloadSelector) {
          const selector = spec.workloadSelector.labels;
          for (const we of snapshot.workloadEntries) {
            if ((we.metadata.namespace ?? 'default') !== namespace) continue;
            if (!selectorMatches(selector, we.spec?.labels)) continue;
            const ep = fromWorkloadEntrySpec(we.spec ?? {}, port.name, defaultPort, 'workloadEntry');
            if (ep) endpoints.push(ep);
          }
          for (const pod of snapshot.pods) {
            if ((pod.metadata.namespace ?? 'default') !== namespace || !pod.status?.podIP) continue;
            if (pod.status.phase !== 'Running' || !selectorMatches(selector, pod.metadata.labels)) continue;
            endpoints.push(podEndpoint(snapshot, pod, pod.status.podIP, defaultPort, podIsReady(pod), undefined));
          }
        } else {
          for (const e of spec.endpoints ?? []) {
            const ep = fromWorkloadEntrySpec(e, port.name, defaultPort, 'serviceEntry');
            if (ep) endpoints.push(ep);
          }
        }
        out.push({
          source: 'serviceEntry',
          host,
          name: host.split('.')[0] ?? host,
          namespace,
          port: port.number,
          portName: port.name,
          protocol: portProtocol(port.name, port.protocol),
          clusterIP: undefined,
          endpoints: dedupe(endpoints),
        });
      }
    }
  }
  return out;
}

/** Drops a second endpoint with the same address:port (grpc-js-xds rejects duplicates in one assignment). */
function dedupe(endpoints: readonly MeshEndpoint[]): MeshEndpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => {
    const key = `${e.address}:${e.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A port of a Service that selects a given pod: what the pod's sidecar accepts inbound. */
export interface InboundPort {
  readonly host: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: PortProtocol;
}

/** The ports of every Service selecting `pod` (sorted by host, then port). */
export function inboundPorts(snapshot: Snapshot, pod: Pod): InboundPort[] {
  const out: InboundPort[] = [];
  for (const svc of snapshot.services) {
    if ((svc.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) continue;
    if (!selectorMatches(svc.spec?.selector, pod.metadata.labels)) continue;
    for (const port of svc.spec?.ports ?? []) {
      const targetPort = resolveTargetPort(pod, port);
      if (targetPort === undefined) continue;
      out.push({
        host: serviceFqdn(svc),
        port: port.port,
        targetPort,
        protocol: portProtocol(port.name, port.appProtocol),
      });
    }
  }
  return out;
}
