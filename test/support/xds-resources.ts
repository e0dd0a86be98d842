/**
 * Builders for contract-C resources (what the mesh control plane serves), used by data-plane tests and benches.
 */
import { FAILBACK_METADATA_KEY, type ResourceKind } from '../../src/xds/index.js';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const PREVIOUS_PRIORITIES =
  'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig';
const TCP_PROXY = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

/** An endpoint as tests describe it. */
export interface TestEndpoint {
  address: string;
  port: number;
  priority?: number;
  locality?: { region: string; zone?: string; sub_zone?: string };
  tls?: boolean;
  healthy?: boolean;
  /** SPIFFE IDs this mTLS endpoint may present (default: the service's `identities`). */
  sans?: string[];
  /** The endpoint's cluster, as Istio's EDS metadata `filter_metadata.istio.cluster` names it. */
  cluster?: string;
}

/** One service of the fixture mesh. */
export interface TestService {
  name: string;
  namespace: string;
  port: number;
  endpoints: TestEndpoint[];
  retries?: number;
  perTryTimeoutMs?: number;
  timeoutMs?: number;
  outlier?: { consecutive5xx?: number; baseEjectionMs?: number; maxEjectionPercent?: number };
  /**
   * The route's whole `retry_policy` and `hedge_policy` (e.g. the mesh's defaults, `RETRY_POLICY` and
   * `HEDGE_POLICY` of src/mesh/translate/routes.ts); when unset, `retries`/`perTryTimeoutMs` build a plain one.
   */
  routePolicy?: { retry_policy: object; hedge_policy?: object };
  /**
   * SPIFFE IDs of the service's server workloads, carried on each mTLS endpoint. Default: the identity the
   * fixtures give a server, `spiffe://cluster-2.local/ns/<namespace>/sa/bookinfo-<name>`.
   */
  identities?: string[];
  /** meshbridge's failback hysteresis for the service's cluster (CDS metadata `meshbridge.io/failback`). */
  failback?: { delayMs: number; rampMs: number };
}

/** Trust domains of the fixture organization (cluster-1 and cluster-2), accepted by inbound listeners. */
export const FIXTURE_TRUST_DOMAINS = ['cluster-1.local', 'cluster-2.local'];
const TLS_CONTEXT = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/** The DownstreamTlsContext of an inbound chain accepting peers of `trustDomains` (URI SAN prefix matchers). */
export function inboundTlsContext(trustDomains: readonly string[]) {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': TLS_CONTEXT,
      require_client_certificate: { value: true },
      common_tls_context: {
        combined_validation_context: {
          default_validation_context: {
            match_typed_subject_alt_names: trustDomains.map((td) => ({
              san_type: 'URI',
              matcher: { prefix: `spiffe://${td}/` },
            })),
          },
          validation_context_sds_secret_config: { name: 'ROOTCA' },
        },
      },
    },
  };
}

const fqdn = (s: TestService): string => `${s.name}.${s.namespace}.svc.cluster.local`;
/** `outbound|<port>||<fqdn>` */
export const clusterName = (s: TestService): string => `outbound|${s.port}||${fqdn(s)}`;
const dur = (ms: number): { seconds: number; nanos: number } => ({
  seconds: Math.floor(ms / 1000),
  nanos: (ms % 1000) * 1e6,
});

/** CDS clusters for the services. */
export function cdsFor(services: TestService[], inbound: Array<{ port: number; app: string; appPort: number }> = []) {
  return [
    ...services.map((s) => ({
      name: clusterName(s),
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {} }, service_name: clusterName(s) },
      connect_timeout: dur(1000),
      lb_policy: 'ROUND_ROBIN',
      ...(s.outlier
        ? {
            outlier_detection: {
              consecutive_5xx: { value: s.outlier.consecutive5xx ?? 5 },
              consecutive_gateway_failure: { value: s.outlier.consecutive5xx ?? 5 },
              interval: dur(1000),
              base_ejection_time: dur(s.outlier.baseEjectionMs ?? 30_000),
              max_ejection_percent: { value: s.outlier.maxEjectionPercent ?? 100 },
              enforcing_success_rate: { value: 0 },
            },
          }
        : {}),
      ...(s.failback
        ? {
            metadata: {
              filter_metadata: {
                [FAILBACK_METADATA_KEY]: {
                  fields: {
                    delayMs: { stringValue: String(s.failback.delayMs) },
                    rampMs: { stringValue: String(s.failback.rampMs) },
                  },
                },
              },
            },
          }
        : {}),
    })),
    ...inbound.map((i) => ({
      name: `inbound|${i.port}||`,
      type: 'STATIC',
      connect_timeout: dur(1000),
      load_assignment: {
        cluster_name: `inbound|${i.port}||`,
        endpoints: [
          { lb_endpoints: [{ endpoint: { address: { socket_address: { address: i.app, port_value: i.appPort } } } }] },
        ],
      },
    })),
  ];
}

/** EDS assignments for the services. */
export function edsFor(services: TestService[]) {
  return services.map((s) => {
    const groups = new Map<string, TestEndpoint[]>();
    for (const e of s.endpoints) {
      const key = JSON.stringify([e.priority ?? 0, e.locality ?? { region: 'r1', zone: 'z1' }]);
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    return {
      cluster_name: clusterName(s),
      policy: { overprovisioning_factor: { value: 140 } },
      endpoints: [...groups.entries()].map(([key, eps]) => {
        const [priority, locality] = JSON.parse(key) as [number, Record<string, string>];
        return {
          locality,
          priority,
          load_balancing_weight: { value: eps.length },
          lb_endpoints: eps.map((e) => ({
            endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
            health_status: e.healthy === false ? 'UNHEALTHY' : 'HEALTHY',
            load_balancing_weight: { value: 1 },
            ...(e.cluster && !e.tls
              ? { metadata: { filter_metadata: { istio: { fields: { cluster: { stringValue: e.cluster } } } } } }
              : {}),
            ...(e.tls
              ? {
                  metadata: {
                    filter_metadata: {
                      ...(e.cluster ? { istio: { fields: { cluster: { stringValue: e.cluster } } } } : {}),
                      'envoy.transport_socket_match': { fields: { tlsMode: { stringValue: 'istio' } } },
                      meshbridge: {
                        fields: {
                          subjectAltNames: {
                            stringValue: (
                              e.sans ??
                              s.identities ?? [`spiffe://cluster-2.local/ns/${s.namespace}/sa/bookinfo-${s.name}`]
                            ).join(','),
                          },
                        },
                      },
                    },
                  },
                }
              : {}),
          })),
        };
      }),
    };
  });
}

/** The `outbound` route configuration (domains as a client in `clientNs` may write them). */
export function rdsFor(services: TestService[], clientNs: string) {
  return [
    {
      name: 'outbound',
      virtual_hosts: services.map((s) => {
        const forms = [`${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc`, fqdn(s)];
        if (s.namespace === clientNs) forms.unshift(s.name);
        const domains = forms.flatMap((f) => (s.port === 80 ? [f, `${f}:80`] : [`${f}:${s.port}`]));
        return {
          name: `${fqdn(s)}:${s.port}`,
          domains,
          routes: [
            {
              match: { prefix: '/' },
              route: {
                cluster: clusterName(s),
                timeout: dur(s.timeoutMs ?? 5000),
                ...(s.routePolicy ?? {
                  retry_policy: {
                    retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,reset',
                    num_retries: { value: s.retries ?? 2 },
                    per_try_timeout: dur(s.perTryTimeoutMs ?? 2000),
                    retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }],
                    // As the mesh's default: a retry leaves the priority levels already attempted.
                    retry_priority: {
                      name: 'envoy.retry_priorities.previous_priorities',
                      typed_config: {
                        '@type': PREVIOUS_PRIORITIES,
                        update_frequency: 1,
                      },
                    },
                    retriable_status_codes: [503],
                  },
                }),
              },
            },
          ],
        };
      }),
    },
  ];
}

/**
 * LDS: virtualOutbound (HCM -> RDS outbound) and virtualInbound (one chain per inbound port, by SNI, accepting
 * peers of `trustDomains`; `[]` leaves the matchers out, so the sidecar accepts its own trust domain only).
 */
export function ldsFor(
  podIp: string,
  inbound: Array<{ port: number; service: string }> = [],
  trustDomains: readonly string[] = FIXTURE_TRUST_DOMAINS,
) {
  return [
    {
      name: 'virtualOutbound',
      address: { socket_address: { address: podIp, port_value: 15001 } },
      filter_chains: [
        {
          filters: [
            {
              name: 'envoy.filters.network.http_connection_manager',
              typed_config: {
                '@type': HCM,
                stat_prefix: 'outbound',
                rds: { route_config_name: 'outbound', config_source: { ads: {} } },
                http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
              },
            },
          ],
        },
      ],
    },
    {
      name: 'virtualInbound',
      address: { socket_address: { address: podIp, port_value: 15006 } },
      filter_chains: inbound.map((i) => ({
        filter_chain_match: { server_names: [`outbound_.${i.port}_._.${i.service}`] },
        ...(trustDomains.length ? { transport_socket: inboundTlsContext(trustDomains) } : {}),
        filters: [
          {
            name: 'envoy.filters.network.tcp_proxy',
            typed_config: { '@type': TCP_PROXY, stat_prefix: 'inbound', cluster: `inbound|${i.port}||` },
          },
        ],
      })),
    },
  ];
}

/** Loads a whole sidecar config into a test server. */
export function serveSidecarConfig(
  ads: { set(kind: ResourceKind, r: Array<Record<string, unknown>>): string },
  opts: {
    podIp: string;
    namespace: string;
    services: TestService[];
    inbound?: Array<{ port: number; service: string; appPort: number }>;
    /** Trust domains the inbound listener accepts (default {@link FIXTURE_TRUST_DOMAINS}). */
    trustDomains?: readonly string[];
  },
): void {
  const inbound = opts.inbound ?? [];
  ads.set(
    'cluster',
    cdsFor(
      opts.services,
      inbound.map((i) => ({ port: i.port, app: opts.podIp, appPort: i.appPort })),
    ),
  );
  ads.set('endpoint', edsFor(opts.services));
  ads.set('route', rdsFor(opts.services, opts.namespace));
  ads.set('listener', ldsFor(opts.podIp, inbound, opts.trustDomains));
}

/**
 * An East-West gateway's `eastwest` listener on `<address>:15443`: one SNI route per exported service (as the
 * control plane builds it from the Gateways selecting the proxy); an SNI without a route forwards nothing.
 */
export function eastWestLdsFor(address: string, exported: TestService[]) {
  return [
    {
      name: 'eastwest',
      address: { socket_address: { address, port_value: 15443 } },
      filter_chains: exported.map((s) => ({
        name: clusterName(s),
        filter_chain_match: { server_names: [`outbound_.${s.port}_._.${fqdn(s)}`], transport_protocol: 'tls' },
        filters: [
          {
            name: 'envoy.filters.network.tcp_proxy',
            typed_config: { '@type': TCP_PROXY, stat_prefix: clusterName(s), cluster: clusterName(s) },
          },
        ],
      })),
    },
  ];
}
