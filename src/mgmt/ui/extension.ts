/**
 * The web UI as a management-plane extension (`AppExtension`): the clusters come from the registered Cluster
 * objects (their `spec.kubeconfig`), traffic from their sidecars' metrics (or a Prometheus server), and the
 * scraping stops when the server closes.
 */
import type { AppExtension } from '../http/app.js';
import { MetricsCollector } from '../telemetry/collector.js';
import { PrometheusTopology } from '../telemetry/prometheus-topology.js';
import type { TopologySource } from '../telemetry/topology.js';
import type { KubeClusterRef } from './kube-inventory.js';
import { podMetricsTargets, readClusterInventory } from './kube-inventory.js';
import { registerUi } from './register.js';

/** Options of `uiExtension`. */
export interface UiExtensionOptions {
  /** A Prometheus server scraping Istio's sidecars (production); else the sidecars are scraped directly. */
  prometheusUrl?: string;
  /** Scrape interval for direct scraping (default 2 s). */
  intervalMs?: number;
}

/** Mounts the UI on a management plane; see `registerUi` for the routes. */
export function uiExtension(options: UiExtensionOptions = {}): AppExtension {
  return async (app, deps) => {
    // Registered clusters that say where their API is; re-read on every call so new clusters appear.
    const clusters = async (): Promise<KubeClusterRef[]> => {
      const stored = await deps.store.list({ kind: 'Cluster' });
      const refs: KubeClusterRef[] = [];
      for (const s of stored) {
        const spec = (s.object as { spec?: { kubeconfig?: { path?: string; context?: string } } }).spec;
        const path = spec?.kubeconfig?.path;
        if (path === undefined) continue;
        const context = spec?.kubeconfig?.context;
        refs.push({ name: s.ref.name, kubeconfigPath: path, ...(context === undefined ? {} : { context }) });
      }
      return refs;
    };
    let topology: TopologySource;
    if (options.prometheusUrl !== undefined) {
      topology = new PrometheusTopology({ url: options.prometheusUrl });
    } else {
      const collector = new MetricsCollector({
        targets: async () => (await Promise.all((await clusters()).map(podMetricsTargets))).flat(),
        ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
      });
      collector.start();
      app.addHook('onClose', () => collector.stop());
      topology = collector;
    }
    await registerUi(app, {
      topology,
      inventory: async () => Promise.all((await clusters()).map(readClusterInventory)),
    });
  };
}
