/**
 * Watches one cluster: informers (list + watch caches) for the kinds the inventory reads and for the generated
 * kinds the controller owns. Changes are reported through `onChange`, coalesced by the controller; it is called
 * synchronously from `start()` too (client-node fires `connect` before listing). A failed informer restarts with
 * backoff while its cache keeps the last known objects.
 */
import type { ClusterClient, KObject, WatchedKind } from '../kube/client.js';
import { MANAGED_SELECTOR, OWNED_KINDS } from './apply.js';
import type { RawClusterObjects } from './inventory.js';

/** The kinds the controller reads in every cluster (RBAC for them: src/install/rbac.ts). */
export const INVENTORY_KINDS = ['Namespace', 'Node', 'Pod', 'Service', 'IngressGateway'] as const;

/** Options of `ClusterWatch`. */
export interface ClusterWatchOptions {
  client: ClusterClient;
  onChange: () => void;
  /**
   * Whether an event of an owned kind leaves the object as the last plan wants it (`settles` in apply.ts): the echo
   * of the controller's own write, a status update. Such an event triggers no reconcile: without this, writing 200
   * entries scheduled a pass over the whole configuration while their echoes arrived.
   */
  settled?: (object: KObject, deleted: boolean) => boolean;
  onError?: (err: Error) => void;
  /** Restart delay after an informer error, ms (default 1000, doubling up to 15 s). */
  retryMs?: number;
}

/** The informers of one cluster. */
export class ClusterWatch {
  readonly client: ClusterClient;
  private readonly watched: WatchedKind[] = [];
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastError: Error | undefined;
  /** Self-describing copies of the cached owned objects (see `owned`). */
  private readonly copies = new WeakMap<KObject, KObject>();

  constructor(private readonly options: ClusterWatchOptions) {
    this.client = options.client;
  }

  /** Starts every informer; resolves when each made its first list attempt. */
  async start(): Promise<void> {
    const changed = (): void => {
      if (!this.stopped) this.options.onChange();
    };
    // A list that found nothing fires no event, yet it may be the one that makes the cluster synced: a pass that
    // went ahead without this cluster (its lists were slower than the controller's wait) must run again.
    const begin = (w: WatchedKind): Promise<void> => w.informer.start().then(changed);
    const make = (kind: string, labelSelector?: string, owned = false): WatchedKind => {
      const w = this.client.informer(kind, labelSelector ? { labelSelector } : undefined);
      const on = (deleted: boolean) => (object?: KObject) => {
        if (owned && object !== undefined && this.options.settled?.(object, deleted)) return;
        changed();
      };
      w.informer.on('add', on(false));
      w.informer.on('update', on(false));
      w.informer.on('delete', on(true));
      let delay = this.options.retryMs ?? 1000;
      w.informer.on('error', (err?: unknown) => {
        // Stopping aborts every watch: those are not errors of the cluster.
        if (this.stopped) return;
        this.lastError = err instanceof Error ? err : new Error(String(err));
        this.options.onError?.(this.lastError);
        const t = setTimeout(() => {
          this.timers.delete(t);
          if (!this.stopped) begin(w).catch((e: unknown) => this.options.onError?.(e as Error));
        }, delay);
        this.timers.add(t);
        delay = Math.min(delay * 2, 15_000);
      });
      w.informer.on('connect', () => {
        delay = this.options.retryMs ?? 1000;
        // A (re)connected informer may have listed nothing new: still worth a (cheap, no-op) reconcile.
        changed();
      });
      return w;
    };
    for (const kind of INVENTORY_KINDS) this.watched.push(make(kind));
    for (const kind of OWNED_KINDS) this.watched.push(make(kind, MANAGED_SELECTOR, true));
    await Promise.all(this.watched.map(begin));
  }

  /** True when every informer has listed successfully at least once (the caches then reflect the cluster). */
  synced(): boolean {
    return this.watched.length > 0 && this.watched.every((w) => w.synced());
  }

  /** The last informer error, if any (for status messages). */
  error(): Error | undefined {
    return this.lastError;
  }

  private objects(kind: string): KObject[] {
    return (this.watched.find((w) => w.kind === kind)?.informer.list() ?? []) as KObject[];
  }

  /** The inventory kinds' cached objects. */
  raw(): RawClusterObjects {
    return {
      namespaces: this.objects('Namespace'),
      nodes: this.objects('Node'),
      pods: this.objects('Pod'),
      services: this.objects('Service'),
      ingressGateways: this.objects('IngressGateway'),
    };
  }

  /** Cached generated objects (managed-by label), with apiVersion/kind set. */
  owned(): KObject[] {
    return OWNED_KINDS.flatMap((kind) =>
      this.objects(kind).map((o) => {
        // The same copy while the cached object is the same: a pass can then tell an object it already found up to
        // date (apply.ts remembers that by identity).
        let copy = this.copies.get(o);
        if (!copy) {
          copy = { ...o, kind, apiVersion: o.apiVersion ?? (kind === 'Namespace' ? 'v1' : 'networking.istio.io/v1') };
          this.copies.set(o, copy);
        }
        return copy;
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.watched.map((w) => w.informer.stop()));
  }
}
