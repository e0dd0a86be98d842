/** RDS: the `outbound` RouteConfiguration, one virtual host per service port, with retries and timeouts. */
import type { MeshServicePort } from './services.js';
import { outboundClusterName } from './names.js';
import { EXTENSION_TYPE_URLS } from '../../xds/index.js';
import { duration, type XdsObject } from '../xds-types.js';

/** Name of the route configuration the sidecar's `virtualOutbound` listener asks for over RDS. */
export const OUTBOUND_ROUTE_NAME = 'outbound';

/** The per-try timeout of every outbound route (see {@link RETRY_POLICY}). */
export const PER_TRY_TIMEOUT_MS = 1_000;

/**
 * TSB's default retry policy: 2 retries on connection-level failures and 503, each on another host
 * (`previous_hosts`). Istio's `503` in retryOn becomes `retriable-status-codes` + `retriable_status_codes: [503]`.
 *
 * Where it departs from Istio's defaults (2 retries, same retry_on, no per-try timeout, no retry priority), and
 * why (docs/concepts.md, "How the data plane spreads load and survives failures"):
 * - `previous_priorities` with `update_frequency: 1`: a retry leaves the priority levels already attempted, so
 *   when the local copy fails (killed pods refuse connections until outlier detection ejects them) the retry goes
 *   to the next level, the remote copy, instead of to a sibling that may be dead too. One failed pod among
 *   several costs one cross-cluster retry per request until it is ejected; a level with no other left to try
 *   falls back to the original load (another host of the same level).
 * - a 1 s per-try timeout (Istio: none): a silent backend (stopped, partitioned) accepts connections and never
 *   answers; after 1 s the try ends and the retry goes to the next level. The clock starts once the connection is
 *   ready (handshake excluded: the cluster's connect timeout bounds that), so only the upstream's own answer time
 *   counts against it. The same timeout applies to every route, including a front service whose answer waits for
 *   its own dependencies: 800 ms failed a silent stop over in 815 ms, but then productpage, waiting for a details
 *   call that was itself failing over, outlived 800 ms, was retried three times and answered 504 (seen in a CI
 *   run's walkthrough and sidecar-kill chaos case). A faster silent-stop detection has to come from the
 *   connection (health probes), not from cutting slow answers. Hedging (`hedge_on_per_try_timeout`,
 *   which the sidecar supports) is not on by default: on an overloaded machine, hedges at a short per-try timeout
 *   multiplied the load on slow but live services until pages timed out (measured with the walkthrough at a load
 *   average of 25 on 2 cores).
 */
export const RETRY_POLICY = Object.freeze({
  retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,reset',
  num_retries: { value: 2 },
  per_try_timeout: duration(PER_TRY_TIMEOUT_MS),
  retry_host_predicate: [
    {
      name: 'envoy.retry_host_predicates.previous_hosts',
      typed_config: { '@type': EXTENSION_TYPE_URLS.previousHosts },
    },
  ],
  host_selection_retry_max_attempts: 5,
  retry_priority: {
    name: 'envoy.retry_priorities.previous_priorities',
    typed_config: { '@type': EXTENSION_TYPE_URLS.previousPriorities, update_frequency: 1 },
  },
  retriable_status_codes: [503],
});

/** Choice: the whole request, all attempts included (Istio's default is none, which lets requests hang). */
export const ROUTE_TIMEOUT_MS = 10_000;

/** The single catch-all route of a service port's virtual host. */
export function routeTo(cluster: string): XdsObject {
  return {
    match: { prefix: '/' },
    route: { cluster, timeout: duration(ROUTE_TIMEOUT_MS), retry_policy: RETRY_POLICY },
  };
}

/**
 * Every host form a client in `proxyNamespace` may use for a service port, with `:port` (and also bare when the
 * port is 80): `name` and `name.ns` only from the service's own namespace for the bare name, `name.ns`,
 * `name.ns.svc`, the FQDN, and the cluster IP.
 */
export function domainsFor(sp: MeshServicePort, proxyNamespace: string): string[] {
  const hosts: string[] = [];
  if (sp.source === 'service') {
    if (sp.namespace === proxyNamespace) hosts.push(sp.name);
    hosts.push(`${sp.name}.${sp.namespace}`, `${sp.name}.${sp.namespace}.svc`, sp.host);
    if (sp.clusterIP) hosts.push(sp.clusterIP);
  } else {
    hosts.push(sp.host);
  }
  return hosts.flatMap((h) => (sp.port === 80 ? [h, `${h}:80`] : [`${h}:${sp.port}`]));
}

/** The `outbound` RouteConfiguration for a proxy in `proxyNamespace`. */
export function outboundRouteConfiguration(ports: readonly MeshServicePort[], proxyNamespace: string): XdsObject {
  return {
    name: OUTBOUND_ROUTE_NAME,
    virtual_hosts: ports.map((sp) => ({
      name: `${sp.host}:${sp.port}`,
      domains: domainsFor(sp, proxyNamespace),
      routes: [routeTo(outboundClusterName(sp.port, sp.host))],
    })),
    validate_clusters: { value: false },
  };
}
