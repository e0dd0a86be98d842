/**
 * Where the control plane gets cluster objects: a small list/watch interface, with an in-memory implementation
 * (tests, embedded use) here and one over Kubernetes informers in `kube-source.ts`.
 */
import { isMeshObject, type MeshObject } from './inputs.js';
import { objectKey } from './snapshot.js';

/** A list/watch view of the cluster's objects. */
export interface ObjectSource {
  /** Resolves once the initial list is complete (the control plane answers no proxy before that). */
  ready(): Promise<void>;
  /** Every current object the mesh consumes. */
  list(): readonly MeshObject[];
  /**
   * Calls `onChange` (asynchronously, never from inside a mutation) after objects changed; several changes may be
   * reported by one call. Returns a function that stops the notifications.
   */
  watch(onChange: () => void): () => void;
  /** Stops watching the cluster; `list()` keeps returning the last objects. */
  close(): Promise<void>;
}

/** An in-memory source whose objects are set by the caller. */
export interface MemorySource extends ObjectSource {
  /** Creates or replaces objects (matched by kind, namespace and name). Non-mesh kinds are ignored. */
  apply(...objects: readonly unknown[]): void;
  /** Deletes objects by kind, namespace and name. */
  remove(...refs: readonly { kind: string; metadata: { name: string; namespace?: string | undefined } }[]): void;
}

const keyOf = (o: { kind: string; metadata: { name?: string | undefined; namespace?: string | undefined } }): string =>
  `${o.kind}/${objectKey(o)}`;

/** Creates a {@link MemorySource} holding `initial`. */
export function createMemorySource(initial: readonly unknown[] = []): MemorySource {
  const objects = new Map<string, MeshObject>();
  const listeners = new Set<() => void>();
  let scheduled = false;
  const notify = () => {
    if (scheduled) return;
    scheduled = true;
    // Deliver on a later tick so a listener never runs inside apply()/remove() (no re-entrancy).
    setImmediate(() => {
      scheduled = false;
      for (const l of [...listeners]) l();
    });
  };
  const put = (o: unknown) => {
    if (isMeshObject(o)) objects.set(keyOf(o), o);
  };
  initial.forEach(put);
  return {
    ready: () => Promise.resolve(),
    list: () => [...objects.values()],
    watch(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    close: () => {
      listeners.clear();
      return Promise.resolve();
    },
    apply(...items) {
      items.forEach(put);
      notify();
    },
    remove(...refs) {
      for (const r of refs) objects.delete(keyOf(r));
      notify();
    },
  };
}
