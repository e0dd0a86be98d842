/**
 * An {@link ObjectSource} over a Kubernetes API (a real cluster or an embedded one): one list/watch informer per
 * kind the mesh reads, through `src/kube`'s client. Informers stop on a watch error; this source restarts them
 * after a delay, and the last listed objects keep being served meanwhile.
 */
import type { ClusterClient, WatchedKind } from '../kube/client.js';
import { isMeshObject, MESH_KINDS, type MeshObject } from './inputs.js';
import type { ObjectSource } from './source.js';

/** Options of {@link createKubeSource}. */
export interface KubeSourceOptions {
  readonly client: ClusterClient;
  /** Delay before restarting an informer after an error (default 1 s). */
  readonly restartDelayMs?: number;
  /** Told about watch errors (they are retried). */
  readonly onError?: (kind: string, err: unknown) => void;
}

/** Watches the mesh's kinds through `client`. */
export function createKubeSource(options: KubeSourceOptions): ObjectSource {
  const watched: WatchedKind[] = MESH_KINDS.map((kind) => options.client.informer(kind));
  const listeners = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let scheduled = false;
  let closed = false;
  const notify = () => {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      for (const l of [...listeners]) l();
    });
  };
  for (const w of watched) {
    for (const verb of ['add', 'update', 'delete'] as const) w.informer.on(verb, notify);
    w.informer.on('error', (err: unknown) => {
      options.onError?.(w.kind, err);
      if (closed) return;
      const t = setTimeout(() => {
        timers.delete(t);
        if (!closed) w.informer.start().then(notify, (e: unknown) => options.onError?.(w.kind, e));
      }, options.restartDelayMs ?? 1000);
      timers.add(t);
    });
  }
  let started: Promise<void> | undefined;
  return {
    ready() {
      started ??= Promise.all(watched.map((w) => w.informer.start())).then(() => undefined);
      return started;
    },
    list() {
      const out: MeshObject[] = [];
      for (const w of watched) {
        for (const o of w.informer.list()) {
          // Objects from a list may lack kind on the wire; the informer's kind is the truth.
          const obj = o.kind ? o : { ...o, kind: w.kind };
          if (isMeshObject(obj)) out.push(obj);
        }
      }
      return out;
    },
    watch(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    async close() {
      closed = true;
      listeners.clear();
      for (const t of timers) clearTimeout(t);
      await Promise.all(watched.map((w) => w.informer.stop()));
    },
  };
}
