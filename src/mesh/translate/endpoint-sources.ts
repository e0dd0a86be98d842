/** Builders of {@link MeshEndpoint}s from pods, WorkloadEntries and ServiceEntry endpoints. */
import type { Pod, ServicePort, WorkloadEntrySpec } from '../inputs.js';
import { NO_LOCALITY, isEndpointAddress, parseLocality, type Locality } from '../../priority/index.js';
import { localityOfPod, podHasSidecar, type Snapshot } from '../snapshot.js';
import { formatSpiffeId } from '../../identity/spiffe.js';

/** The port a sidecar accepts mesh mTLS on (contract C): local peers with a sidecar are dialled here. */
export const SIDECAR_INBOUND_PORT = 15006;

/** Label carrying whether a workload speaks mesh mTLS (Istio's). */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/**
 * Label of a WorkloadEntry (or ServiceEntry endpoint) naming the trust domain of the workloads behind it: the
 * federation sets it on entries for a remote cluster's gateway, whose servers hold that cluster's identities.
 * Without it the entry's identity is in the local trust domain (Istio's reading of `serviceAccount`).
 */
export const TRUST_DOMAIN_LABEL = 'meshbridge.io/trust-domain';

/** One endpoint of a service port. */
export interface MeshEndpoint {
  readonly address: string;
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Locality;
  /** `istio`: reached with mesh mTLS (a sidecar or an East-West gateway); `disabled`: plaintext. */
  readonly tlsMode: 'istio' | 'disabled';
  readonly healthy: boolean;
  /** In a failover drill (src/mesh/drill.ts): sent as `DRAINING`, not healthy, while the pod stays untouched. */
  readonly draining?: boolean;
  readonly weight: number;
  readonly origin: 'pod' | 'workloadEntry' | 'serviceEntry';
  /**
   * SPIFFE IDs a server at this endpoint may present (Istio's `subjectAltNames`); sent with mTLS endpoints so the
   * client refuses any other identity. Empty for plaintext endpoints.
   */
  readonly identities: readonly string[];
}

/** The pod port a Service port targets: a number, a numeric string, or a named container port. */
export function resolveTargetPort(pod: Pod, port: ServicePort): number | undefined {
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

/** A pod (or a bare Endpoints address) as an endpoint: its sidecar's mTLS port when it has one. */
export function podEndpoint(
  snapshot: Snapshot,
  pod: Pod | undefined,
  ip: string,
  targetPort: number,
  healthy: boolean,
  fallbackLocality: Locality | undefined,
): MeshEndpoint {
  // A pod with a sidecar is dialled on its sidecar's inbound mTLS port, never on the app port directly.
  const sidecar = pod !== undefined && podHasSidecar(snapshot, pod);
  const identity =
    sidecar && pod
      ? formatSpiffeId({
          trustDomain: snapshot.trustDomain,
          namespace: pod.metadata.namespace ?? 'default',
          serviceAccount: pod.spec?.serviceAccountName || 'default',
        })
      : undefined;
  return {
    address: ip,
    port: sidecar ? SIDECAR_INBOUND_PORT : targetPort,
    labels: pod?.metadata.labels ?? {},
    locality: pod ? localityOfPod(snapshot, pod) : (fallbackLocality ?? NO_LOCALITY),
    tlsMode: sidecar ? 'istio' : 'disabled',
    healthy,
    weight: 1,
    origin: 'pod',
    identities: identity ? [identity] : [],
  };
}

/**
 * A WorkloadEntry (or ServiceEntry inline endpoint) as an endpoint; `undefined` when its address is not an IP.
 * `identities` are the SPIFFE IDs its server may present (see {@link workloadEntryIdentities}); `healthy` is false
 * for an entry whose `Healthy` condition is `False` (the remote-service prober's verdict, Istio's convention).
 */
export function fromWorkloadEntrySpec(
  spec: WorkloadEntrySpec,
  portName: string,
  defaultPort: number,
  origin: MeshEndpoint['origin'],
  identities: readonly string[],
  healthy = true,
): MeshEndpoint | undefined {
  // xDS endpoints must be IP addresses (grpc-js-xds and Envoy's EDS reject names); DNS names are not resolved here.
  if (!spec.address || !isEndpointAddress(spec.address)) return undefined;
  const labels = spec.labels ?? {};
  return {
    address: spec.address,
    port: spec.ports?.[portName] ?? defaultPort,
    labels,
    locality: parseLocality(spec.locality),
    tlsMode: labels[TLS_MODE_LABEL] === 'istio' ? 'istio' : 'disabled',
    healthy,
    weight: spec.weight && spec.weight > 0 ? spec.weight : 1,
    origin,
    identities: labels[TLS_MODE_LABEL] === 'istio' ? identities : [],
  };
}

/**
 * The SPIFFE ID of a WorkloadEntry's workload: `spiffe://<trust domain>/ns/<namespace>/sa/<serviceAccount>`, the
 * trust domain from {@link TRUST_DOMAIN_LABEL} or else the snapshot's, the account `default` when unset (as a pod
 * without `serviceAccountName`). An unformattable part gives no identity, so the client refuses every server.
 */
export function workloadEntryIdentities(snapshot: Snapshot, namespace: string, spec: WorkloadEntrySpec): string[] {
  const id = formatSpiffeId({
    trustDomain: spec.labels?.[TRUST_DOMAIN_LABEL] || snapshot.trustDomain,
    namespace,
    serviceAccount: spec.serviceAccount || 'default',
  });
  return id ? [id] : [];
}

/** Drops a second endpoint with the same address:port (grpc-js-xds rejects duplicates in one assignment). */
export function dedupe(endpoints: readonly MeshEndpoint[]): MeshEndpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => {
    const key = `${e.address}:${e.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
