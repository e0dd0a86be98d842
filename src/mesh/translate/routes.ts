/** RDS: the `outbound` RouteConfiguration, one virtual host per service port, with retries and timeouts. */
import type { MeshServicePort } from './services.js';
import { outboundClusterName } from './names.js';
import { EXTENSION_TYPE_URLS } from '../../xds/index.js';
import { duration, type XdsObject } from '../xds-types.js';

/** Name of the route configuration the sidecar's `virtualOutbound` listener asks for over RDS. */
export const OUTBOUND_ROUTE_NAME = 'outbound';

/** The per-try idle timeout of every outbound route (see {@link RETRY_POLICY}). */
export const PER_TRY_IDLE_TIMEOUT_MS = 750;

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
 * - a 750 ms per-try idle timeout (Istio: none): a silent backend (stopped, partitioned) accepts connections and
 *   never answers; after 750 ms without a sign of progress the try ends and the retry goes to the next level. A
 *   meshbridge inbound listener sends `102 Processing` every 150 ms while its application works, and each one
 *   restarts the clock, so a live peer that is merely slow (a front service waiting for its own dependencies, or
 *   any service on a saturated machine) is never cut and retried. A per-try timeout (`per_try_timeout`, which
 *   ends a try at 1 s however alive its peer) did exactly that: in CI runs, productpage answers outlived it while
 *   details failed over, the sleep pod's sidecar retried them three times, each retry re-ran the whole fan-out,
 *   and the added load turned slow pages into client timeouts. The clock starts once the connection is ready
 *   (handshake excluded: the cluster's connect timeout bounds that). An endpoint without a sidecar sends no 102,
 *   so for it the idle timeout is a 750 ms per-try timeout (the
 *   price of finding a silent one in under 1 s: a silent stop's first remote answer came after 776 ms in
 *   `npm run bench`, against 1.02 s with a 1 s per-try timeout).
 *   Hedging (`hedge_on_per_try_timeout`, which the sidecar supports) is not on by default: on an overloaded
 *   machine, hedges at a short per-try timeout multiplied the load on slow but live services until pages timed
 *   out (measured with the walkthrough at a load average of 25 on 2 cores).
 */
export const RETRY_POLICY = Object.freeze({
  retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,reset',
  num_retries: { value: 2 },
  per_try_idle_timeout: duration(PER_TRY_IDLE_TIMEOUT_MS),
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
