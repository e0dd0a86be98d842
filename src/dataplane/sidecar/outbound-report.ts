/**
 * What an outbound request reports, whichever path served it (outbound.ts through Node's server, fast-outbound.ts
 * on its own): Istio's metric labels with `reporter="source"`, and the flight recorder's entry for its answer.
 */
import type { Host } from '../balancer/cluster-balancer.js';
import type { ProxyConfig } from '../config.js';
import type { FlightRecorder } from '../recorder/flight-recorder.js';
import { clusterFromServedBy } from './headers.js';
import type { RequestLabels } from './metrics.js';
import { serviceOfCluster } from './routing.js';

/** The labels of a request to `cluster` (undefined: no route matched), filled in as it is answered. */
export function outboundLabels(config: ProxyConfig, cluster: string | undefined): RequestLabels {
  return {
    reporter: 'source',
    source_workload: config.workload,
    source_workload_namespace: config.namespace,
    source_cluster: config.cluster,
    destination_service: cluster === undefined ? 'unknown' : serviceOfCluster(cluster),
    destination_cluster: 'unknown',
    response_code: '0',
  };
}

/**
 * Records an answer's code in `labels` and tells the recorder, when a route matched. `served` is given for an
 * upstream's answer: the cluster that served it is the one its served-by header names (a gateway's answer names
 * the remote cluster behind it), else the endpoint's own; the proxy's own answers (`served` absent) name none.
 */
export function reportAnswer(
  recorder: FlightRecorder | undefined,
  labels: RequestLabels,
  cluster: string | undefined,
  code: number,
  served?: { readonly servedBy: string | string[] | undefined; readonly host: Host },
): void {
  const serving = served && (clusterFromServedBy(served.servedBy) ?? served.host.endpoint.clusterId);
  labels.response_code = String(code);
  labels.destination_cluster = serving ?? 'unknown';
  // Dated when the answer's head arrives: that is when the app learns which copy served it.
  if (cluster !== undefined) recorder?.answered(cluster, code, serving);
}
