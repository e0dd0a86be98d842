/**
 * Garbage collection by owner reference: an object whose owners (Deployment, ReplicaSet, IngressGateway, Service)
 * are all gone is deleted, as Kubernetes' background propagation does. A deleted Deployment's ReplicaSets go this
 * way, then their pods (the next pass); a deleted Service's EndpointSlice too.
 */
import type { ClusterStore } from '../store/cluster-store.js';
import type { ResourceRef } from '../store/types.js';
import { ENDPOINT_SLICES } from './endpoint-slices.js';
import { DEPLOYMENTS, INGRESS_GATEWAYS, PODS, SERVICES } from './refs.js';
import { REPLICA_SETS } from './replica-sets.js';

const OWNER_KINDS: Record<string, ResourceRef> = {
  Deployment: DEPLOYMENTS,
  ReplicaSet: REPLICA_SETS,
  IngressGateway: INGRESS_GATEWAYS,
  Service: SERVICES,
};
const DEPENDENTS: readonly ResourceRef[] = [PODS, REPLICA_SETS, DEPLOYMENTS, SERVICES, ENDPOINT_SLICES];

/** Deletes dependents whose owners no longer exist. */
export function collectGarbage(store: ClusterStore): void {
  const uids = new Set<string>();
  for (const ref of Object.values(OWNER_KINDS)) for (const o of store.list(ref)) uids.add(o.metadata.uid ?? '');
  for (const ref of DEPENDENTS) {
    for (const obj of store.list(ref)) {
      const owners = (obj.metadata.ownerReferences ?? []).filter((o) => OWNER_KINDS[o.kind] !== undefined);
      if (owners.length > 0 && owners.every((o) => !uids.has(o.uid))) {
        store.transaction((w) => {
          if (w.get(ref, obj.metadata.namespace, obj.metadata.name))
            w.delete(ref, obj.metadata.namespace, obj.metadata.name);
        });
      }
    }
  }
}
