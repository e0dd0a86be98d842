/**
 * The cluster's objects as a list/watch source, in the shape the mesh control plane consumes (`ObjectSource` of
 * src/mesh: `ready`, `list`, `watch`, `close`), read straight from the cluster's store: no HTTP in between, and
 * change notifications arrive after commits, asynchronously, coalesced into one call per burst.
 */
import { KINDS } from '../api/index.js';
import { MESH_KINDS, isMeshObject } from '../mesh/inputs.js';
import type { ObjectSource } from '../mesh/source.js';
import { refOf } from './server/objects.js';
import type { ClusterStore } from './store/cluster-store.js';

const SOURCE_KINDS = KINDS.filter((k) => k.scope === 'cluster' && (MESH_KINDS as readonly string[]).includes(k.kind));

/** Wraps a store as the mesh control plane's object source (the kinds it consumes only). */
export function storeSource(store: ClusterStore): ObjectSource {
  const stops = new Set<() => void>();
  return {
    ready: () => Promise.resolve(),
    list: () => {
      const objects: unknown[] = SOURCE_KINDS.flatMap((k) => store.list(refOf(k)));
      return objects.filter(isMeshObject);
    },
    watch(onChange) {
      let pending = false;
      const unsubscribe = store.subscribe(() => {
        if (pending) return;
        pending = true;
        setImmediate(() => {
          pending = false;
          onChange();
        });
      });
      stops.add(unsubscribe);
      return () => {
        unsubscribe();
        stops.delete(unsubscribe);
      };
    },
    close: () => {
      for (const stop of stops) stop();
      stops.clear();
      return Promise.resolve();
    },
  };
}
