/**
 * Runs a cluster's L4 load balancer over a source of Services and Endpoints: recomputes the plan (lb-plan.ts) on
 * every change the source reports and on a periodic resync (which also retries addresses that were busy), and
 * applies it to the balancer. Applies never overlap: a change during an apply runs one more apply after it.
 *
 * Two sources (lb-sources.ts): the cluster's store, when the balancer runs inside the cluster process (tests), and
 * the cluster's API watched over HTTPS, when it runs as its own process (`lb-main.ts`, what `local up` starts), so
 * that a crash of the cluster process leaves the LoadBalancer addresses served, as kube-proxy's rules outlive the
 * API server.
 */
import { L4Balancer, type L4BalancerOptions } from './l4-balancer.js';
import { loadBalancerPlan, type LbObject } from './lb-plan.js';

/** Where the balancer reads the Services and Endpoints it serves. */
export interface LbSource {
  /** The current objects; a source that lost its upstream keeps answering with the last known ones. */
  snapshot(): { services: readonly LbObject[]; endpoints: readonly LbObject[] };
  /** Calls `onChange` after each change; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/** Options of {@link startLoadBalancer}. */
export interface LoadBalancerOptions extends L4BalancerOptions {
  readonly source: LbSource;
  /** Milliseconds between resyncs (default 2000). */
  readonly resyncMs?: number;
}

/** A running load balancer. */
export interface RunningLoadBalancer {
  readonly balancer: L4Balancer;
  /** Resolves once the current source state is applied (tests). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the balancer and applies the source's current state before resolving. */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<RunningLoadBalancer> {
  const { source, resyncMs = 2000, ...balancerOptions } = options;
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
        await balancer.apply(loadBalancerPlan(source.snapshot()));
      } while (again && !stopped);
    })()
      .catch((err: unknown) => options.log?.('load balancer apply failed', { error: String(err) }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  // Deferred: a store listener must not read the store back from inside its commit.
  const unsubscribe = source.subscribe(() => void setImmediate(() => void run()));
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
