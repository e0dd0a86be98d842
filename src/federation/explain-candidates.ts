/**
 * The candidate endpoints `explain` ranks: chosen by the mesh's own rules (the priority engine's
 * `selectorMatches` and `isEndpointAddress`), so explain ranks exactly what the mesh puts in EDS. Pure.
 *
 * - With the Service in the client's cluster: its pods that have an IP, and the WorkloadEntries in its namespace
 *   whose labels match its selector (not a name prefix: an entry is an endpoint because the Service selects it).
 * - Without it: the inline endpoints of the ServiceEntries naming its host (the mesh ignores a ServiceEntry host
 *   that equals a Service's, so those count only when there is no local Service).
 * - Addresses that are not IPs are never endpoints (xDS takes IPs only); they are reported, not ranked.
 */
import { isEndpointAddress, selectorMatches } from '../priority/index.js';
import type { EntryHealth, InventoryService } from './inventory.js';
import { formatLocality } from './locality.js';
import { SOURCE_CLUSTER_LABEL, type GeneratedObject } from './types.js';

/** One candidate endpoint before ranking. */
export interface Candidate {
  cluster: string;
  kind: 'pod' | 'WorkloadEntry' | 'ServiceEntry endpoint';
  name: string;
  address: string;
  /** `region/zone/subzone` as the object states it. */
  locality: string;
  labels: Record<string, string>;
  ready: boolean | undefined;
  /** A WorkloadEntry's probe verdict, when the cluster's prober has one. */
  probe?: EntryHealth;
}

/** Options of {@link candidatesOf}. */
export interface CandidateInput {
  host: string;
  namespace: string;
  /** The client's cluster. */
  from: string;
  /** The Service in the client's cluster, when it has one. */
  local: InventoryService | undefined;
  /** The objects the federation writes into the client's cluster. */
  desired: readonly GeneratedObject[];
  /** Probe verdicts of the client cluster's entries, by `namespace/name` (its inventory's). */
  entryHealth?: Readonly<Record<string, EntryHealth>>;
}

/** The candidates, and a sentence for each object that looked like one but is not an endpoint. */
export function candidatesOf(input: CandidateInput): { candidates: Candidate[]; notEndpoints: string[] } {
  const { local, namespace, from } = input;
  const candidates: Candidate[] = [];
  const notEndpoints: string[] = [];
  const port = (ports: Record<string, number> | undefined): string => {
    const p = Object.values(ports ?? {})[0];
    return p ? `:${p}` : '';
  };
  for (const w of local?.workloads ?? []) {
    if (!isEndpointAddress(w.ip)) {
      notEndpoints.push(`pod ${w.pod} has no IP yet: not an endpoint`);
      continue;
    }
    const address = w.ip ?? '';
    candidates.push({
      cluster: from,
      kind: 'pod',
      name: w.pod,
      address,
      locality: formatLocality(w.locality),
      labels: w.labels,
      ready: w.ready,
    });
  }
  for (const o of input.desired) {
    if (local && o.kind === 'WorkloadEntry' && (o.metadata.namespace ?? 'default') === namespace) {
      const labels = o.spec.labels ?? {};
      if (!selectorMatches(local.selector, labels)) continue;
      if (!isEndpointAddress(o.spec.address)) {
        notEndpoints.push(`WorkloadEntry ${o.metadata.name} has address ${o.spec.address || '(none)'}, not an IP`);
        continue;
      }
      const probe = input.entryHealth?.[`${namespace}/${o.metadata.name}`];
      candidates.push({
        cluster: o.metadata.labels[SOURCE_CLUSTER_LABEL] ?? labels[SOURCE_CLUSTER_LABEL] ?? '?',
        kind: 'WorkloadEntry',
        name: o.metadata.name,
        address: `${o.spec.address}${port(o.spec.ports)}`,
        locality: o.spec.locality ?? '',
        labels,
        ready: probe?.healthy,
        ...(probe ? { probe } : {}),
      });
    }
    if (!local && o.kind === 'ServiceEntry' && o.spec.hosts.includes(input.host)) {
      for (const e of o.spec.endpoints ?? []) {
        if (!isEndpointAddress(e.address)) {
          notEndpoints.push(`ServiceEntry ${o.metadata.name} endpoint ${e.address || '(none)'} is not an IP`);
          continue;
        }
        candidates.push({
          cluster: e.labels?.[SOURCE_CLUSTER_LABEL] ?? '?',
          kind: 'ServiceEntry endpoint',
          name: o.metadata.name,
          address: `${e.address}${port(e.ports)}`,
          locality: e.locality ?? '',
          labels: e.labels ?? {},
          ready: undefined,
        });
      }
    }
  }
  return { candidates, notEndpoints };
}
