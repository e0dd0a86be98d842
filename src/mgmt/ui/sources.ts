/**
 * One call that builds the UI's data sources from configuration, for the server (mgmt) to pass to registerUi:
 * a Prometheus server when a URL is given (production), else scraping the sidecars of the kubeconfig's clusters
 * (local clusters); the cluster inventory from the same kubeconfig.
 */
import { MetricsCollector } from '../telemetry/collector.js';
import { PrometheusTopology } from '../telemetry/prometheus-topology.js';
import type { TopologySource } from '../telemetry/topology.js';
import { kubeInventory, kubeMetricsTargets } from './kube-inventory.js';
import type { ClusterInventory } from './wire.js';

/** Options of `createUiSources`. */
export interface UiSourcesOptions {
  /** The clusters (embedded: `$MESHBRIDGE_HOME/kubeconfig`). */
  kubeconfigPath?: string;
  contexts?: string[];
  /** A Prometheus server scraping Istio's sidecars; when set, sidecars are not scraped directly. */
  prometheusUrl?: string;
  /** Scrape interval for local clusters (default 2 s). */
  intervalMs?: number;
  windowMs?: number;
}

/** The sources and their lifecycle (`start` begins scraping; `stop` ends it). */
export interface UiSources {
  topology: TopologySource;
  inventory?: () => Promise<ClusterInventory[]>;
  /**
   * The sidecars' flight-recorder URLs (`http://<podIP>:15020/failover/events`) when sidecars are scraped directly
   * (local clusters); the management plane pulls their failover events into its store.
   */
  eventTargets?: () => Promise<string[]>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * `list` with its last answer reused for `ttlMs`: the metrics collector and the failover event puller ask for the
 * same pods every round, and each ask lists every cluster's pods through its API.
 */
function shared(list: () => Promise<string[]>, ttlMs: number): () => Promise<string[]> {
  let last: { at: number; value: Promise<string[]> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at >= ttlMs) last = { at: now, value: list() };
    return last.value;
  };
}

/** Builds the sources; nothing runs until `start`. */
export function createUiSources(options: UiSourcesOptions): UiSources {
  const kube = options.kubeconfigPath
    ? { kubeconfigPath: options.kubeconfigPath, ...(options.contexts ? { contexts: options.contexts } : {}) }
    : undefined;
  const inventory = kube ? kubeInventory(kube) : undefined;
  if (options.prometheusUrl !== undefined) {
    const topology = new PrometheusTopology({ url: options.prometheusUrl });
    return { topology, ...(inventory ? { inventory } : {}), start: () => undefined, stop: async () => undefined };
  }
  const metricsTargets = kube ? shared(kubeMetricsTargets(kube), 1000) : undefined;
  const collector = new MetricsCollector({
    targets: metricsTargets ?? (() => []),
    ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
    ...(options.windowMs ? { windowMs: options.windowMs } : {}),
  });
  return {
    topology: collector,
    ...(inventory ? { inventory } : {}),
    ...(metricsTargets
      ? {
          eventTargets: async () =>
            (await metricsTargets()).map((u) => u.replace(/\/stats\/prometheus$/, '/failover/events')),
        }
      : {}),
    start: () => collector.start(),
    stop: () => collector.stop(),
  };
}
