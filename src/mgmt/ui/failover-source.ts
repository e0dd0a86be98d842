/**
 * The failover view's data for the management plane: the federation's `explain failover` computed from the
 * management plane's own configuration (its store) and one fresh read of every registered cluster, like
 * `meshbridge explain failover` does from the CLI.
 */
import { configFromObjects, evaluate, explainFailover, kubeconfigConnector } from '../../federation/index.js';
import type { FailoverView } from './wire.js';

/** The client cluster of a failover query is not registered (the route answers 404). */
export class UnknownClusterError extends Error {
  readonly code = 'MB9005' as const;
  constructor(cluster: string, known: readonly string[]) {
    super(`cluster ${cluster} is not registered (known: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownClusterError';
  }
}

/** Options of `federationFailover`. */
export interface FederationFailoverOptions {
  /** Every TSB object the management plane holds (read on each call, so edits show at once). */
  objects: () => Promise<unknown[]>;
  /** Kubeconfig for clusters without spec.kubeconfig (local homes: `<home>/kubeconfig`). */
  kubeconfigPath?: string;
}

/**
 * Returns the `failover` dependency of registerUi. Each call reads the configuration and every cluster once;
 * clusters that cannot be read become warnings (as in the CLI). Throws UnknownClusterError for an unregistered
 * client cluster.
 */
export function federationFailover(
  options: FederationFailoverOptions,
): (service: string, namespace: string, from: string) => Promise<FailoverView> {
  return async (service, namespace, from) => {
    const config = configFromObjects(await options.objects());
    const known = config.clusters.map((c) => c.metadata.name);
    if (!known.includes(from)) throw new UnknownClusterError(from, known);
    const ev = await evaluate({ config, connect: kubeconfigConnector(options.kubeconfigPath) });
    const report = explainFailover({ service, namespace, from, config, inventories: ev.inventories, plan: ev.plan });
    for (const u of ev.unreachable) report.warnings.push(`cluster ${u.cluster} could not be read: ${u.message}`);
    return report;
  };
}
