/**
 * The xDS `Node` a proxy announces (contract C, src/xds/node.ts), built from its configuration.
 */
import { xdsNode } from '../../xds/index.js';
import type { ProxyConfig } from '../config.js';

/** Builds the Node message for a proxy. */
export function buildNode(cfg: ProxyConfig): Record<string, unknown> {
  return xdsNode({
    id: cfg.nodeId,
    workload: cfg.workload,
    namespace: cfg.namespace,
    cluster: cfg.cluster,
    network: cfg.network,
    serviceAccount: cfg.serviceAccount,
    podName: cfg.podName,
    podIp: cfg.podIp,
    labels: cfg.labels,
    locality: { region: cfg.locality.region, zone: cfg.locality.zone, subzone: cfg.locality.subZone },
  });
}
