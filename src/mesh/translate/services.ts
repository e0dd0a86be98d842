/**
 * The service registry view translation works from: every service port a proxy can call, with its endpoints,
 * derived from Services + Endpoints (+ Pods), WorkloadEntries and ServiceEntries. Proxy independent, so it is
 * computed once per snapshot and proxy role (memoized on the snapshot object).
 */
import type { EndpointAddress, Pod, Service, ServicePort } from '../inputs.js';
import {
  dedupe,
  fromWorkloadEntrySpec,
  podEndpoint,
  resolveTargetPort,
  workloadEntryIdentities,
  type MeshEndpoint,
} from './endpoint-sources.js';

export { SIDECAR_INBOUND_PORT, TLS_MODE_LABEL, type MeshEndpoint } from './endpoint-sources.js';
import { podLocality } from '../locality.js';
import { drillActive, drillOf } from '../../api/drill-lease.js';
import { entryUnhealthy } from '../probe/verdict.js';
import {
  labelKey,
  objectKey,
  podIsReady,
  selectorCandidates,
  selectorMatches,
  serviceFqdn,
  type Snapshot,
} from '../snapshot.js';

/** How the mesh speaks to a port: HTTP (HCM) or opaque TCP (tcp_proxy). */
export type PortProtocol = 'http' | 'tcp';

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

/** A service's ports as last computed, with the objects they were computed from. */
interface Computed {
  readonly inputs: readonly unknown[];
  readonly ports: readonly MeshServicePort[];
}

/** The last registry computed per `localOnly`: its snapshot and each service's ports with their inputs. */
const lastBuilt = new Map<boolean, { snapshot: Snapshot; byService: Map<string, Computed> }>();

/**
 * The objects one Service's ports are computed from (see kubeServicePort): the Service, its Endpoints, the pods
 * its addresses or its selector name, and the WorkloadEntries its selector may match. With the namespaces, nodes
 * and trust domain unchanged (checked once per snapshot), equal inputs give equal ports, so an endpoint change
 * recomputes one service, not the registry.
 */
function serviceInputs(snapshot: Snapshot, svc: Service, localOnly: boolean): unknown[] {
  const namespace = svc.metadata.namespace ?? 'default';
  const eps = snapshot.endpoints.get(objectKey(svc));
  const inputs: unknown[] = [svc, eps];
  if (eps) {
    for (const subset of eps.subsets ?? []) {
      for (const a of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])]) {
        const ref = a.targetRef;
        if (ref?.kind === 'Pod' && ref.name)
          inputs.push(snapshot.podsByName.get(`${ref.namespace ?? 'default'}/${ref.name}`));
        inputs.push(snapshot.podsByIp.get(a.ip));
      }
    }
  } else {
    inputs.push(...selectorCandidates(snapshot.podsByLabel, namespace, svc.spec?.selector));
  }
  if (!localOnly) inputs.push(...selectorCandidates(snapshot.workloadEntriesByLabel, namespace, svc.spec?.selector));
  return inputs;
}

const sameList = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether what every service reads besides its own inputs (namespaces, nodes, trust domain) is unchanged. */
function sameGlobals(a: Snapshot, b: Snapshot): boolean {
  const sameMap = <V>(x: ReadonlyMap<string, V>, y: ReadonlyMap<string, V>) =>
    x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
  return a.trustDomain === b.trustDomain && sameMap(a.namespaces, b.namespaces) && sameMap(a.nodes, b.nodes);
}

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
  const last = lastBuilt.get(options.localOnly);
  const reusable = last !== undefined && sameGlobals(last.snapshot, snapshot) ? last.byService : undefined;
  const byService = new Map<string, Computed>();
  for (const svc of snapshot.services) {
    serviceHosts.add(serviceFqdn(svc));
    const key = objectKey(svc);
    const inputs = serviceInputs(snapshot, svc, options.localOnly);
    const before = reusable?.get(key);
    const ports =
      before && sameList(before.inputs, inputs)
        ? before.ports
        : (svc.spec?.ports ?? []).map((port) => kubeServicePort(snapshot, svc, port, options));
    byService.set(key, { inputs, ports });
    out.push(...ports);
  }
  lastBuilt.set(options.localOnly, { snapshot, byService });
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
  const local = eps ? fromEndpointsObject(snapshot, svc, port) : fromSelectedPods(snapshot, svc, port);
  // A drill drains this cluster's copy (its pods), never the remote entries the federation wrote beside them.
  // An expired drill (its CLI died) drains nothing; the drill controller removes it, which re-translates.
  const drilled = drillActive(drillOf(svc.metadata.annotations), Date.now());
  endpoints.push(...(drilled ? local.map((e) => ({ ...e, healthy: false, draining: true })) : local));
  if (!options.localOnly) {
    for (const we of selectorCandidates(snapshot.workloadEntriesByLabel, namespace, svc.spec?.selector)) {
      if (!selectorMatches(svc.spec?.selector, we.spec?.labels)) continue;
      const numericTarget = typeof port.targetPort === 'number' ? port.targetPort : undefined;
      const spec = we.spec ?? {};
      const ids = workloadEntryIdentities(snapshot, we.metadata.namespace ?? 'default', spec);
      const healthy = !entryUnhealthy(we.status);
      const ep = fromWorkloadEntrySpec(
        spec,
        port.name ?? '',
        numericTarget ?? port.port,
        'workloadEntry',
        ids,
        healthy,
      );
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
  for (const pod of selectorCandidates(snapshot.podsByLabel, namespace, svc.spec?.selector)) {
    if (!pod.status?.podIP) continue;
    if (pod.status.phase !== 'Running' || !selectorMatches(svc.spec?.selector, pod.metadata.labels)) continue;
    const target = resolveTargetPort(pod, port);
    if (target === undefined) continue;
    out.push(podEndpoint(snapshot, pod, pod.status.podIP, target, podIsReady(pod), undefined));
  }
  return out;
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
          for (const we of selectorCandidates(snapshot.workloadEntriesByLabel, namespace, selector)) {
            if (!selectorMatches(selector, we.spec?.labels)) continue;
            const weSpec = we.spec ?? {};
            const ids = workloadEntryIdentities(snapshot, we.metadata.namespace ?? 'default', weSpec);
            const healthy = !entryUnhealthy(we.status);
            const ep = fromWorkloadEntrySpec(weSpec, port.name, defaultPort, 'workloadEntry', ids, healthy);
            if (ep) endpoints.push(ep);
          }
          for (const pod of selectorCandidates(snapshot.podsByLabel, namespace, selector)) {
            if (!pod.status?.podIP) continue;
            if (pod.status.phase !== 'Running' || !selectorMatches(selector, pod.metadata.labels)) continue;
            endpoints.push(podEndpoint(snapshot, pod, pod.status.podIP, defaultPort, podIsReady(pod), undefined));
          }
        } else {
          for (const e of spec.endpoints ?? []) {
            // Istio: a ServiceEntry's subjectAltNames, when set, name the identities of all its endpoints.
            const ids = spec.subjectAltNames ?? workloadEntryIdentities(snapshot, namespace, e);
            const ep = fromWorkloadEntrySpec(e, port.name, defaultPort, 'serviceEntry', ids);
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
  for (const svc of servicesSelecting(snapshot, pod)) {
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

const servicesBySelector = new WeakMap<Snapshot, Map<string, { svc: Service; order: number }[]>>();

/**
 * The services whose selector matches a pod, in the snapshot's order. Every sidecar asks this for its own pod on
 * every snapshot, so services are indexed once per snapshot by the first label of their selector (a service is
 * found through that label of the pod) instead of each proxy scanning every service.
 */
function servicesSelecting(snapshot: Snapshot, pod: Pod): Service[] {
  let index = servicesBySelector.get(snapshot);
  if (!index) {
    index = new Map();
    snapshot.services.forEach((svc, order) => {
      const first = Object.entries(svc.spec?.selector ?? {})[0];
      if (!first) return; // a service without a selector selects no pod
      const key = labelKey(svc.metadata.namespace ?? 'default', first[0], first[1]);
      const list = index?.get(key);
      if (list) list.push({ svc, order });
      else index?.set(key, [{ svc, order }]);
    });
    servicesBySelector.set(snapshot, index);
  }
  const namespace = pod.metadata.namespace ?? 'default';
  const found: { svc: Service; order: number }[] = [];
  for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
    for (const c of index.get(labelKey(namespace, k, v)) ?? []) {
      if (selectorMatches(c.svc.spec?.selector, pod.metadata.labels)) found.push(c);
    }
  }
  return found.sort((a, b) => a.order - b.order).map((c) => c.svc);
}
