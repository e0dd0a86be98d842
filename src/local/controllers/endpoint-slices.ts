/**
 * EndpointSlice controller: beside each Service's Endpoints, one `discovery.k8s.io/v1` EndpointSlice with the same
 * addresses, each endpoint with its conditions (ready, serving, terminating), node, zone and pod reference. The
 * slice is derived from the Endpoints the endpoints controller just wrote, so the two never disagree; it is named
 * `<service>-<5 characters of the Service's uid hash>`, labelled `kubernetes.io/service-name` and owned by the
 * Service. A Service's slice goes when its Endpoints go. `sliceFor` is pure.
 */
import { createHash } from 'node:crypto';
import type { ClusterStore } from '../store/cluster-store.js';
import type { ResourceRef, StoredObject } from '../store/types.js';
import { ENDPOINTS, PODS, SERVICES, rec, recs, same, type Rec } from './refs.js';

/** Storage of EndpointSlices. */
export const ENDPOINT_SLICES: ResourceRef = { group: 'discovery.k8s.io', plural: 'endpointslices' };
/** Label naming a slice's Service (what kube-proxy and kubectl select on). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** The slice name of a Service. */
export function sliceName(service: StoredObject): string {
  const digest = createHash('sha256')
    .update(service.metadata.uid ?? service.metadata.name)
    .digest('hex');
  return `${service.metadata.name}-${digest.slice(0, 5)}`;
}

/** Pure: the EndpointSlice of a Service from its Endpoints and the namespace's pods (zones come from the pods). */
export function sliceFor(service: StoredObject, endpoints: StoredObject, pods: readonly StoredObject[]): StoredObject {
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  const endpoint = (a: Rec, ready: boolean): Rec => {
    const ref = rec(a.targetRef);
    const pod = typeof ref.name === 'string' ? byName.get(ref.name) : undefined;
    const zone = pod?.metadata.labels?.[ZONE_LABEL];
    return {
      addresses: [a.ip],
      conditions: { ready, serving: ready, terminating: false },
      ...(Object.keys(ref).length ? { targetRef: ref } : {}),
      ...(typeof a.nodeName === 'string' ? { nodeName: a.nodeName } : {}),
      ...(zone ? { zone } : {}),
    };
  };
  const subsets = recs(endpoints.subsets);
  const ports = recs(subsets[0]?.ports).map((p) => ({
    ...(typeof p.name === 'string' ? { name: p.name } : { name: '' }),
    port: p.port,
    protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
  }));
  const items = subsets
    .flatMap((s) => [
      ...recs(s.addresses).map((a) => endpoint(a, true)),
      ...recs(s.notReadyAddresses).map((a) => endpoint(a, false)),
    ])
    .sort((a, b) => String(rec(a).addresses).localeCompare(String(rec(b).addresses), undefined, { numeric: true }));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(service),
      namespace: service.metadata.namespace,
      labels: {
        ...(service.metadata.labels ?? {}),
        [SERVICE_NAME_LABEL]: service.metadata.name,
        [MANAGED_BY]: 'endpointslice-controller.k8s.io',
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: service.metadata.name,
          uid: service.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType: 'IPv4',
    endpoints: items,
    ports,
  };
}

/** Writes each Service's slice where it changed and deletes slices whose Service or Endpoints are gone. */
export function reconcileEndpointSlices(store: ClusterStore): void {
  const pods = store.list(PODS);
  const endpoints = new Map(store.list(ENDPOINTS).map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
  const slices = store.list(ENDPOINT_SLICES);
  store.transaction((w) => {
    const wanted = new Set<string>();
    for (const service of store.list(SERVICES)) {
      const ep = endpoints.get(`${service.metadata.namespace}/${service.metadata.name}`);
      if (!ep) continue;
      const desired = sliceFor(
        service,
        ep,
        pods.filter((p) => p.metadata.namespace === service.metadata.namespace),
      );
      wanted.add(`${desired.metadata.namespace}/${desired.metadata.name}`);
      const current = w.get(ENDPOINT_SLICES, desired.metadata.namespace, desired.metadata.name);
      if (!current) w.create(ENDPOINT_SLICES, desired);
      else if (
        !same(current.endpoints, desired.endpoints) ||
        !same(current.ports, desired.ports) ||
        !same(current.metadata.labels, desired.metadata.labels)
      ) {
        w.update(ENDPOINT_SLICES, {
          ...current,
          metadata: { ...current.metadata, labels: desired.metadata.labels },
          endpoints: desired.endpoints,
          ports: desired.ports,
        });
      }
    }
    for (const s of slices) {
      const managed = s.metadata.labels?.[MANAGED_BY] === 'endpointslice-controller.k8s.io';
      if (managed && !wanted.has(`${s.metadata.namespace}/${s.metadata.name}`)) {
        w.delete(ENDPOINT_SLICES, s.metadata.namespace, s.metadata.name);
      }
    }
  });
}
