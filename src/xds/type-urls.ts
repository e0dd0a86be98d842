/**
 * The type URLs of contract C, each defined once: the four resource types served over ADS and every extension a
 * translated resource may nest in an Any. Each must have its proto in protos.ts's PROTO_FILES.
 */

const T = 'type.googleapis.com/';

/** The four resource types served over ADS, in the make-before-break push order (CDS, EDS, LDS, RDS). */
export const TYPE_URLS = Object.freeze({
  cluster: `${T}envoy.config.cluster.v3.Cluster`,
  endpoint: `${T}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  listener: `${T}envoy.config.listener.v3.Listener`,
  route: `${T}envoy.config.route.v3.RouteConfiguration`,
});

/** One of the four resource type keys. */
export type ResourceKind = keyof typeof TYPE_URLS;

/** Every extension type URL the translation may nest in an Any. */
export const EXTENSION_TYPE_URLS = Object.freeze({
  httpConnectionManager: `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  router: `${T}envoy.extensions.filters.http.router.v3.Router`,
  tcpProxy: `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
  tlsInspector: `${T}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector`,
  upstreamTlsContext: `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  downstreamTlsContext: `${T}envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`,
  previousHosts: `${T}envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate`,
  previousPriorities: `${T}envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig`,
});
