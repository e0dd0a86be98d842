/**
 * Runs a cluster's L4 load balancer over its store: recomputes the plan (lb-plan.ts) on every committed change
 * and on a periodic resync (which also retries addresses that were busy), and applies it to the balancer. Applies
 * never overlap: a change during an apply runs one more apply after it.
 */
import type { ClusterStore } from '../store/cluster-store.js';
import { ENDPOINTS, SERVICES } from '../controllers/refs.js';
import { L4Balancer, type L4BalancerOptions } from './l4-balancer.js';
import { loadBalancerPlan } from './lb-plan.js';

/** Options of {@link startLoadBalancer}. */
export interface LoadBalancerOptions extends L4BalancerOptions {
  readonly store: ClusterStore;
  /** Milliseconds between resyncs (default 2000). */
  readonly resyncMs?: number;
}

/** A running load balancer. */
export interface RunningLoadBalancer {
  readonly balancer: L4Balancer;
  /** Resolves once the current store state is applied (tests). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the balancer and applies the store's current state before resolving. */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<RunningLoadBalancer> {
  const { store, resyncMs = 2000, ...balancerOptions } = options;
  const balancer = new L4Balancer(balancerOptions);
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const plan = loadBalancerPlan({ services: store.list(SERVICES), endpoints: store.list(ENDPOINTS) });
        await balancer.apply(plan);
      } while (again && !stopped);
    })()
      .catch((err: unknown) => options.log?.('load balancer apply failed', { error: String(err) }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  // Deferred: a store listener must not read the store back from inside its commit.
  const unsubscribe = store.subscribe(() => void setImmediate(() => void run()));
  const timer = setInterval(() => void run(), resyncMs);
  timer.unref();
  await run();
  return {
    balancer,
    settled: async () => {
      while (running) await running;
    },
    stop: async () => {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await running;
      await balancer.close();
    },
  };
}
