/**
 * An {@link ObjectSource} read directly from an embedded cluster's store, in the cluster's own process (no HTTP
 * round trip). The store is described structurally, so the mesh does not depend on `src/local`; the embedded
 * cluster's `ClusterStore` fits as is.
 */
import { KINDS } from '../api/index.js';
import { isMeshObject, MESH_KINDS, type MeshObject } from './inputs.js';
import type { ObjectSource } from './source.js';

/** Where a kind is stored: API group and REST plural. */
export interface StoreResourceRef {
  readonly group: string;
  readonly plural: string;
}

/** The two store operations used: list a kind (all namespaces) and subscribe to committed changes. */
export interface ChangeFeedStore {
  list(ref: StoreResourceRef): readonly object[];
  subscribe(listener: (change: { readonly resource: StoreResourceRef }) => void): () => void;
}

/** The store refs of the kinds the mesh reads, from the kind registry. */
export const MESH_RESOURCES: readonly (StoreResourceRef & { kind: string })[] = MESH_KINDS.map((kind) => {
  const info = KINDS.find((k) => k.kind === kind);
  if (!info) throw new Error(`kind ${kind} is missing from the kind registry`);
  return { kind, group: info.group, plural: info.plural };
});

/** Reads the mesh's kinds from `store` and reports changes to them (coalesced, asynchronously). */
export function createStoreSource(store: ChangeFeedStore): ObjectSource {
  const relevant = new Set(MESH_RESOURCES.map((r) => `${r.group}/${r.plural}`));
  const listeners = new Set<() => void>();
  let scheduled = false;
  const unsubscribe = store.subscribe((change) => {
    if (!relevant.has(`${change.resource.group}/${change.resource.plural}`) || scheduled) return;
    scheduled = true;
    // Never call listeners from inside the store's commit.
    setImmediate(() => {
      scheduled = false;
      for (const l of [...listeners]) l();
    });
  });
  return {
    ready: () => Promise.resolve(),
    list() {
      const out: MeshObject[] = [];
      for (const r of MESH_RESOURCES) {
        for (const o of store.list(r)) {
          const obj = 'kind' in o && o.kind ? o : { ...o, kind: r.kind };
          if (isMeshObject(obj)) out.push(obj);
        }
      }
      return out;
    },
    watch(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    close() {
      unsubscribe();
      listeners.clear();
      return Promise.resolve();
    },
  };
}
