/** CDS: one EDS cluster per service port, plus a sidecar's STATIC inbound clusters. */
import type { MeshServicePort, InboundPort } from './services.js';
import { inboundClusterName, sniFor } from './names.js';
import { EXTENSION_TYPE_URLS, FAILBACK_METADATA_KEY } from '../../xds/index.js';
import { duration, stringStruct, type XdsObject } from '../xds-types.js';

/** Inputs of {@link outboundCluster} besides the service port. */
export interface OutboundClusterOptions {
  readonly name: string;
  readonly connectTimeoutMs: number;
  readonly outlierDetection: XdsObject | undefined;
  /** The service's failback hysteresis (a FailoverPolicy's), for meshbridge's sidecars. */
  readonly failback?: { readonly delayMs: number; readonly rampMs: number } | undefined;
}

/**
 * An outbound EDS cluster over ADS. Endpoints labelled `tlsMode: istio` are dialled with mesh mTLS and the SNI
 * `outbound_.<port>_._.<host>` (what an East-West gateway routes on); others in plaintext.
 */
export function outboundCluster(sp: MeshServicePort, o: OutboundClusterOptions): XdsObject {
  const cluster: Record<string, unknown> = {
    name: o.name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: o.name },
    connect_timeout: duration(o.connectTimeoutMs),
    lb_policy: 'ROUND_ROBIN',
    transport_socket_matches: [
      {
        name: 'tlsMode-istio',
        match: stringStruct({ tlsMode: 'istio' }),
        transport_socket: {
          name: 'envoy.transport_sockets.tls',
          typed_config: {
            '@type': EXTENSION_TYPE_URLS.upstreamTlsContext,
            sni: sniFor(sp.port, sp.host),
            common_tls_context: {
              alpn_protocols: ['istio'],
              tls_certificate_sds_secret_configs: [{ name: 'default' }],
              validation_context_sds_secret_config: { name: 'ROOTCA' },
            },
          },
        },
      },
    ],
  };
  if (o.outlierDetection) cluster['outlier_detection'] = o.outlierDetection;
  if (o.failback && (o.failback.delayMs > 0 || o.failback.rampMs > 0)) {
    // Envoy has no failback hysteresis: it travels as metadata, which a proxy that does not know it ignores.
    cluster['metadata'] = {
      filter_metadata: {
        [FAILBACK_METADATA_KEY]: stringStruct({
          delayMs: String(o.failback.delayMs),
          rampMs: String(o.failback.rampMs),
        }),
      },
    };
  }
  return cluster;
}

/** A sidecar's inbound cluster: STATIC, one endpoint, the app on `<podIP>:<targetPort>` in plaintext. */
export function inboundCluster(podIp: string, p: InboundPort): XdsObject {
  const name = inboundClusterName(p.port);
  return {
    name,
    type: 'STATIC',
    connect_timeout: duration(10_000),
    lb_policy: 'ROUND_ROBIN',
    load_assignment: {
      cluster_name: name,
      endpoints: [
        {
          load_balancing_weight: { value: 1 },
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: podIp, port_value: p.targetPort } } } }],
        },
      ],
    },
  };
}
