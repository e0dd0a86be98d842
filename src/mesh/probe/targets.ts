/**
 * What the remote-service prober probes: each WorkloadEntry the federation wrote for a remote copy of a service
 * (labelled with its source cluster, mTLS), once per port of each Service that selects it, at the entry's address
 * and port with the SNI a client sidecar would send. Pure.
 */
import { SOURCE_CLUSTER_LABEL, selectorMatches } from '../../priority/index.js';
import type { Service, WorkloadEntry } from '../inputs.js';
import { sniFor } from '../translate/names.js';
import { TLS_MODE_LABEL } from '../translate/endpoint-sources.js';

/** One probe to make. */
export interface ProbeTarget {
  /** The WorkloadEntry, `namespace/name`. */
  readonly entry: string;
  readonly sourceCluster: string;
  /** `name.namespace` of the Service. */
  readonly service: string;
  readonly address: string;
  readonly port: number;
  readonly sni: string;
}

/** The probes for `entries` given the `services` (any namespaces), sorted by entry then SNI. */
export function probeTargets(services: readonly Service[], entries: readonly WorkloadEntry[]): ProbeTarget[] {
  const out: ProbeTarget[] = [];
  for (const we of entries) {
    const labels = we.spec?.labels ?? {};
    const source = labels[SOURCE_CLUSTER_LABEL];
    const address = we.spec?.address;
    if (!source || labels[TLS_MODE_LABEL] !== 'istio' || !address) continue;
    const namespace = we.metadata.namespace ?? 'default';
    for (const svc of services) {
      if ((svc.metadata.namespace ?? 'default') !== namespace) continue;
      if (!selectorMatches(svc.spec?.selector, labels)) continue;
      for (const port of svc.spec?.ports ?? []) {
        const target = port.name ? we.spec?.ports?.[port.name] : undefined;
        if (target === undefined) continue;
        out.push({
          entry: `${namespace}/${we.metadata.name}`,
          sourceCluster: source,
          service: `${svc.metadata.name}.${namespace}`,
          address,
          port: target,
          sni: sniFor(port.port, `${svc.metadata.name}.${namespace}.svc.cluster.local`),
        });
      }
    }
  }
  return out.sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : a.sni < b.sni ? -1 : 1));
}
