/**
 * Endpoints controller: for every Service with a selector, an Endpoints object of the same name listing the IPs
 * of the selected pods — ready ones under `addresses`, others under `notReadyAddresses` — with the Service's ports
 * resolved to target ports. Endpoints of Services that no longer exist are removed. `endpointsFor` is pure.
 */
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { selects } from '../server/selectors.js';
import { ENDPOINTS, PODS, SERVICES, podIP, podReady, rec, recs, same, strMap, type Rec } from './refs.js';

function targetPortOf(port: Rec, pod: StoredObject | undefined): number {
  const target = port.targetPort;
  if (typeof target === 'number') return target;
  if (typeof target === 'string' && /^\d+$/.test(target)) return Number(target);
  if (typeof target === 'string' && pod) {
    for (const c of recs(rec(pod.spec).containers)) {
      const named = recs(c.ports).find((p) => p.name === target);
      if (named && typeof named.containerPort === 'number') return named.containerPort;
    }
  }
  return typeof port.port === 'number' ? port.port : 0;
}

/** Pure: the Endpoints object for a Service given the pods of its namespace (undefined for selector-less ones). */
export function endpointsFor(service: StoredObject, pods: readonly StoredObject[]): StoredObject | undefined {
  const spec = rec(service.spec);
  const selector = strMap(spec.selector);
  if (Object.keys(selector).length === 0) return undefined;
  const selected = pods
    .filter((p) => p.metadata.namespace === service.metadata.namespace && !p.metadata.deletionTimestamp)
    .filter((p) => selects(selector, p.metadata.labels) && podIP(p) !== undefined)
    .sort((a, b) => (podIP(a) ?? '').localeCompare(podIP(b) ?? '', undefined, { numeric: true }));
  const address = (p: StoredObject): Rec => ({
    ip: podIP(p),
    ...(typeof rec(p.spec).nodeName === 'string' ? { nodeName: rec(p.spec).nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
  });
  const ready = selected.filter(podReady).map(address);
  const notReady = selected.filter((p) => !podReady(p)).map(address);
  const ports = recs(spec.ports).map((p) => ({
    ...(typeof p.name === 'string' ? { name: p.name } : {}),
    port: targetPortOf(p, selected[0]),
    protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
  }));
  const subsets =
    ready.length + notReady.length === 0
      ? []
      : [
          {
            ...(ready.length ? { addresses: ready } : {}),
            ...(notReady.length ? { notReadyAddresses: notReady } : {}),
            ports,
          },
        ];
  const labels = service.metadata.labels;
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: service.metadata.name, namespace: service.metadata.namespace, ...(labels ? { labels } : {}) },
    subsets,
  };
}

/** Writes the Endpoints of every Service (only where they changed) and drops orphaned ones. */
export function reconcileEndpoints(store: ClusterStore): void {
  const pods = store.list(PODS);
  const services = store.list(SERVICES);
  const existing = new Map(store.list(ENDPOINTS).map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
  store.transaction((w) => {
    const wanted = new Set<string>();
    for (const service of services) {
      const key = `${service.metadata.namespace}/${service.metadata.name}`;
      const desired = endpointsFor(service, pods);
      if (!desired) continue;
      wanted.add(key);
      const current = existing.get(key);
      if (!current) w.create(ENDPOINTS, desired);
      else if (!same(current.subsets, desired.subsets) || !same(current.metadata.labels, desired.metadata.labels)) {
        w.update(ENDPOINTS, {
          ...current,
          metadata: { ...current.metadata, labels: desired.metadata.labels },
          subsets: desired.subsets,
        });
      }
    }
    for (const [key, ep] of existing) {
      const [ns, name] = key.split('/') as [string, string];
      if (!wanted.has(key) && !services.some((s) => s.metadata.namespace === ns && s.metadata.name === name)) {
        w.delete(ENDPOINTS, ep.metadata.namespace, ep.metadata.name);
      }
    }
  });
}
