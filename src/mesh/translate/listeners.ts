/**
 * LDS: a sidecar's `virtualOutbound` (explicit HTTP proxy) and `virtualInbound` (mTLS) listeners, a gateway's
 * `eastwest` SNI-passthrough listener, and API listeners for proxyless gRPC clients.
 */
import type { InboundPort, MeshServicePort } from './services.js';
import { SIDECAR_INBOUND_PORT } from './services.js';
import { inboundClusterName, outboundClusterName, sniFor } from './names.js';
import { OUTBOUND_ROUTE_NAME, domainsFor, routeTo } from './routes.js';
import { EXTENSION_TYPE_URLS } from '../../xds/index.js';
import type { XdsObject } from '../xds-types.js';

/** Port of the sidecar's explicit HTTP proxy (what `HTTP_PROXY` points at). */
export const SIDECAR_OUTBOUND_PORT = 15001;
/** Port an East-West gateway passes mTLS through on. */
export const EAST_WEST_PORT = 15443;
/** Names of the fixed listeners. */
export const LISTENER_NAMES = Object.freeze({
  outbound: 'virtualOutbound',
  inbound: 'virtualInbound',
  eastWest: 'eastwest',
});

const ROUTER_FILTER = Object.freeze({
  name: 'envoy.filters.http.router',
  typed_config: { '@type': EXTENSION_TYPE_URLS.router },
});

const TLS_INSPECTOR = Object.freeze({
  name: 'envoy.filters.listener.tls_inspector',
  typed_config: { '@type': EXTENSION_TYPE_URLS.tlsInspector },
});

function socketAddress(address: string, port: number): XdsObject {
  return { socket_address: { address, port_value: port } };
}

function hcm(statPrefix: string, route: { rds: string } | { inline: XdsObject }): XdsObject {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': EXTENSION_TYPE_URLS.httpConnectionManager,
      stat_prefix: statPrefix,
      ...('rds' in route
        ? { rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: route.rds } }
        : { route_config: route.inline }),
      http_filters: [ROUTER_FILTER],
    },
  };
}

function tcpProxy(statPrefix: string, cluster: string): XdsObject {
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: { '@type': EXTENSION_TYPE_URLS.tcpProxy, stat_prefix: statPrefix, cluster },
  };
}

/** `virtualOutbound`: the explicit HTTP proxy on `<podIP>:15001`, routing by Host with RDS `outbound`. */
export function virtualOutbound(podIp: string): XdsObject {
  return {
    name: LISTENER_NAMES.outbound,
    address: socketAddress(podIp, SIDECAR_OUTBOUND_PORT),
    traffic_direction: 'OUTBOUND',
    filter_chains: [{ name: 'virtualOutbound-http', filters: [hcm('outbound', { rds: OUTBOUND_ROUTE_NAME })] }],
  };
}

/**
 * The validation context of inbound chains: the mesh root (SDS `ROOTCA`) and, when the accepted trust domains are
 * known, one URI SAN matcher `prefix: spiffe://<domain>/` per domain (Envoy accepts a peer matching any of them).
 */
function inboundValidation(trustDomains: readonly string[] | undefined): XdsObject {
  if (!trustDomains) return { validation_context_sds_secret_config: { name: 'ROOTCA' } };
  return {
    combined_validation_context: {
      default_validation_context: {
        match_typed_subject_alt_names: trustDomains.map((td) => ({
          san_type: 'URI',
          matcher: { prefix: `spiffe://${td}/` },
        })),
      },
      validation_context_sds_secret_config: { name: 'ROOTCA' },
    },
  };
}

/**
 * `virtualInbound` on `<podIP>:15006`: mesh mTLS with a required client certificate; one filter chain per
 * inbound service port, chosen by the SNI `outbound_.<port>_._.<host>` the client sidecar sends, forwarding to
 * the STATIC cluster `inbound|<port>||`. `trustDomains` (from the mesh-wide AuthorizationPolicy) are the client
 * trust domains accepted; undefined leaves them out and the sidecar accepts its own domain only.
 */
export function virtualInbound(
  podIp: string,
  ports: readonly InboundPort[],
  trustDomains?: readonly string[],
): XdsObject {
  return {
    name: LISTENER_NAMES.inbound,
    address: socketAddress(podIp, SIDECAR_INBOUND_PORT),
    traffic_direction: 'INBOUND',
    listener_filters: [TLS_INSPECTOR],
    filter_chains: ports.map((p) => {
      const cluster = inboundClusterName(p.port);
      const statPrefix = `${cluster}${p.host}`;
      return {
        name: `${cluster}${p.host}`,
        filter_chain_match: { server_names: [sniFor(p.port, p.host)], transport_protocol: 'tls' },
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: {
            '@type': EXTENSION_TYPE_URLS.downstreamTlsContext,
            require_client_certificate: { value: true },
            common_tls_context: {
              alpn_protocols: ['istio'],
              tls_certificate_sds_secret_configs: [{ name: 'default' }],
              ...inboundValidation(trustDomains),
            },
          },
        },
        filters: [
          p.protocol === 'http'
            ? hcm(statPrefix, {
                inline: {
                  name: cluster,
                  virtual_hosts: [
                    { name: cluster, domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] },
                  ],
                },
              })
            : tcpProxy(statPrefix, cluster),
        ],
      };
    }),
  };
}

/**
 * A gateway's `eastwest` listener on port 15443 (it binds its own load-balancer addresses, given by its
 * environment, so the address here is the wildcard): one chain per service port matched by SNI, piping the still
 * encrypted bytes to the service's cluster. An SNI matching no chain matches nothing, so nothing is forwarded.
 */
export function eastWestListener(ports: readonly MeshServicePort[]): XdsObject {
  return {
    name: LISTENER_NAMES.eastWest,
    address: socketAddress('0.0.0.0', EAST_WEST_PORT),
    traffic_direction: 'INBOUND',
    listener_filters: [TLS_INSPECTOR],
    filter_chains: ports.map((sp) => {
      const cluster = outboundClusterName(sp.port, sp.host);
      return {
        name: cluster,
        filter_chain_match: { server_names: [sniFor(sp.port, sp.host)], transport_protocol: 'tls' },
        filters: [tcpProxy(cluster, cluster)],
      };
    }),
  };
}

/**
 * The service port a proxyless gRPC client means by a listener name (`xds:///<name>`): any host form of
 * {@link domainsFor} with its port (`details.bookinfo:9080`), or without a port when the host has exactly one.
 */
export function resolveListenerTarget(
  ports: readonly MeshServicePort[],
  name: string,
  proxyNamespace: string,
): MeshServicePort | undefined {
  const exact = ports.find((sp) => domainsFor(sp, proxyNamespace).includes(name));
  if (exact || name.includes(':')) return exact;
  const candidates = ports.filter((sp) => domainsFor(sp, proxyNamespace).includes(`${name}:${sp.port}`));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * The API listener a proxyless gRPC client (grpc-js-xds) asks for by the name in its target URI: no socket, an
 * HttpConnectionManager with the route configuration inline (one virtual host whose domain is the requested
 * name, routing to the service port's cluster with the same retry policy as sidecars).
 */
export function apiListener(name: string, sp: MeshServicePort): XdsObject {
  const cluster = outboundClusterName(sp.port, sp.host);
  return {
    name,
    api_listener: {
      api_listener: hcm(name, {
        inline: { name, virtual_hosts: [{ name, domains: [name], routes: [routeTo(cluster)] }] },
      })['typed_config'],
    },
  };
}
