/**
 * The load balancer's sources of Services and Endpoints (load-balancer.ts):
 * - {@link storeSource}: the cluster's store, for a balancer inside the cluster process (in-process tests);
 * - {@link apiSource}: the cluster's Kubernetes API watched over HTTPS with the cluster's token, for the balancer's
 *   own process (`lb-main.ts`). It keeps the last objects it listed while the API is unreachable (a cluster process
 *   that crashed or restarts), so forwarding goes on; it reconnects every `retryMs`, re-reading where the API is
 *   (a restarted cluster process may have had to take another port), and switches to the new objects only once
 *   both kinds have listed again, so a half-synced view never empties a frontend.
 */
import { createClusterClient, directKubeConfig, type DirectApiRef, type WatchedKind } from '../../kube/client.js';
import type { ClusterStore } from '../store/cluster-store.js';
import { ENDPOINTS, SERVICES } from '../controllers/refs.js';
import type { LbSource } from './load-balancer.js';
import type { LbObject } from './lb-plan.js';

/** The store of an in-process cluster as a source. */
export function storeSource(store: ClusterStore): LbSource {
  return {
    snapshot: () => ({ services: store.list(SERVICES), endpoints: store.list(ENDPOINTS) }),
    subscribe: (onChange) => store.subscribe(() => onChange()),
  };
}

/** Where the cluster's API is now (read again at each reconnect). */
export type ApiTarget = DirectApiRef;

/** Options of {@link apiSource}; frozen at construction. */
export interface ApiSourceOptions {
  /** The API's current address and credentials; undefined while unknown (the source retries). */
  readonly target: () => ApiTarget | undefined;
  /** Delay between reconnect attempts (default 500 ms: the API is local, an outage should cost little). */
  readonly retryMs?: number;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** An API-watching source and its lifecycle. */
export interface ApiSource extends LbSource {
  /** Starts watching; resolves after the first attempt (successful or not: the source keeps retrying). */
  start(): Promise<void>;
  /** True once a list of both kinds has succeeded (the snapshot then holds the API's objects). */
  synced(): boolean;
  stop(): Promise<void>;
}

/** A source over the cluster's API (see the module comment). */
export function apiSource(options: ApiSourceOptions): ApiSource {
  const retryMs = options.retryMs ?? 500;
  const listeners = new Set<() => void>();
  let services: readonly LbObject[] = [];
  let endpoints: readonly LbObject[] = [];
  let synced = false;
  let stopped = false;
  let generation = 0;
  let current: WatchedKind[] = [];
  let retry: NodeJS.Timeout | undefined;
  let down = false;

  const notify = (): void => {
    for (const l of listeners) l();
  };
  const take = (watched: readonly WatchedKind[]): void => {
    const [svc, ep] = watched;
    services = (svc?.informer.list() ?? []) as readonly LbObject[];
    endpoints = (ep?.informer.list() ?? []) as readonly LbObject[];
    synced = true;
    notify();
  };
  const fail = (gen: number, err: unknown): void => {
    if (gen !== generation || stopped) return;
    generation++; // events of the failed generation are ignored from now on
    const dead = current;
    current = [];
    for (const w of dead) void w.informer.stop();
    if (!down) {
      down = true;
      options.log?.('cluster API unreachable: serving the last known endpoints', { error: String(err) });
    }
    retry = setTimeout(() => void connect(), retryMs);
  };
  const connect = async (): Promise<void> => {
    retry = undefined;
    if (stopped) return;
    const gen = ++generation;
    const target = options.target();
    if (!target) return fail(gen, new Error('the cluster API address is not known yet'));
    let watched: WatchedKind[];
    try {
      const client = createClusterClient({ name: target.name, kubeConfig: directKubeConfig(target) });
      watched = [client.informer('Service'), client.informer('Endpoints')];
    } catch (err) {
      return fail(gen, err);
    }
    current = watched;
    for (const w of watched) {
      w.informer.on('error', (err?: unknown) => fail(gen, err));
      for (const verb of ['add', 'update', 'delete'] as const) {
        w.informer.on(verb, () => {
          if (gen === generation && watched.every((x) => x.synced())) take(watched);
        });
      }
    }
    try {
      await Promise.all(watched.map((w) => w.informer.start()));
    } catch (err) {
      return fail(gen, err);
    }
    if (gen !== generation || !watched.every((x) => x.synced())) return;
    if (down) options.log?.('cluster API reachable again', { server: target.server });
    down = false;
    take(watched);
  };

  return {
    snapshot: () => ({ services, endpoints }),
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    start: () => connect(),
    synced: () => synced,
    async stop() {
      stopped = true;
      generation++;
      if (retry) clearTimeout(retry);
      await Promise.all(current.map((w) => w.informer.stop()));
      current = [];
    },
  };
}
