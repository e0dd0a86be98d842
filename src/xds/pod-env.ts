/**
 * The pod environment of contract C (C.env): what a pod runner gives a sidecar or gateway process, and what points
 * an app at its sidecar's explicit proxy. The data plane reads it back with `readProxyConfig`
 * (src/dataplane/config.ts); the local clusters write it with {@link proxyEnv}, so both sides use the same names
 * and formats (node id from node.ts, locality from locality.ts).
 */
import { localityText } from './locality.js';
import { nodeId, type ProxyRole } from './node.js';

/** The proxy ports of contract C. */
export const PROXY_PORTS = Object.freeze({
  /** The sidecar's explicit HTTP proxy (apps reach services through it). */
  outbound: 15001,
  /** The sidecar's inbound mTLS listener. */
  inbound: 15006,
  /** Admin endpoints (config dump, readiness). */
  admin: 15000,
  /** Prometheus metrics. */
  metrics: 15020,
  /** The East-West gateway's SNI passthrough listener. */
  eastWest: 15443,
});

/** Inputs of {@link proxyEnv}. */
export interface ProxyEnvOptions {
  role: ProxyRole;
  xdsAddress: string;
  podIp: string;
  podName: string;
  namespace: string;
  serviceAccount: string;
  cluster: string;
  network: string;
  locality: { region: string; zone: string; subzone?: string };
  workload: string;
  labels: Readonly<Record<string, string>>;
  /** Holds cert.pem, key.pem, root.pem (sidecars; gateways hold no key). */
  certDir?: string;
  /** Gateways: the addresses to listen on (port 15443). */
  gatewayAddresses?: readonly string[];
  /** Gateways: load-balancer addresses that reach this gateway (never dialled by it). */
  gatewayExternalAddresses?: readonly string[];
  /** Adds `x-meshbridge-served-by` to responses (local clusters: on, the default). */
  servedByHeader?: boolean;
  /** Sidecars (required by them): the pod's outbound proxy secret, the same one {@link appProxyEnv} gives the app. */
  proxySecret?: string;
  /** The ADS server's token, when it requires one. */
  xdsToken?: string;
  /** Sidecars: false turns the outbound proxy's HTTP/1.1 fast path off (`MB_HTTP_FAST_PATH=0`); on by default. */
  httpFastPath?: boolean;
}

/** Environment for a sidecar or gateway process. */
export function proxyEnv(o: ProxyEnvOptions): Record<string, string> {
  return {
    MB_XDS_ADDRESS: o.xdsAddress,
    MB_NODE_ID: nodeId(o.role, o.podIp, o.podName, o.namespace),
    MB_POD_IP: o.podIp,
    MB_POD_NAME: o.podName,
    MB_NAMESPACE: o.namespace,
    MB_SERVICE_ACCOUNT: o.serviceAccount,
    MB_CLUSTER: o.cluster,
    MB_NETWORK: o.network,
    MB_LOCALITY: localityText(o.locality),
    MB_WORKLOAD: o.workload,
    MB_LABELS: JSON.stringify(o.labels),
    MB_CERT_DIR: o.certDir ?? '',
    MB_ADMIN_PORT: String(PROXY_PORTS.admin),
    MB_METRICS_PORT: String(PROXY_PORTS.metrics),
    MB_SERVED_BY_HEADER: o.servedByHeader === false ? '0' : '1',
    ...(o.gatewayAddresses ? { MB_GATEWAY_ADDRESSES: o.gatewayAddresses.join(',') } : {}),
    ...(o.gatewayExternalAddresses ? { MB_GATEWAY_EXTERNAL_ADDRESSES: o.gatewayExternalAddresses.join(',') } : {}),
    ...(o.proxySecret ? { MB_PROXY_SECRET: o.proxySecret } : {}),
    ...(o.xdsToken ? { MB_XDS_TOKEN: o.xdsToken } : {}),
    ...(o.httpFastPath === false ? { MB_HTTP_FAST_PATH: '0' } : {}),
  };
}

/** Inputs of {@link appProxyEnv}. */
export interface AppProxyEnvOptions {
  podIp: string;
  /** The user part of the credential (informational: the sidecar checks the secret only). */
  podName: string;
  /** The pod's outbound proxy secret (the sidecar's MB_PROXY_SECRET). */
  secret: string;
  outboundPort?: number;
}

/**
 * Environment that sends an app's HTTP through its sidecar (every HTTP client honours these; curl does), with the
 * pod's credential as URL userinfo, which clients send as `Proxy-Authorization: Basic ...` (the sidecar's
 * proxy-auth.ts).
 */
export function appProxyEnv(o: AppProxyEnvOptions): Record<string, string> {
  const url = `http://${encodeURIComponent(o.podName)}:${o.secret}@${o.podIp}:${o.outboundPort ?? PROXY_PORTS.outbound}`;
  return { HTTP_PROXY: url, http_proxy: url, NO_PROXY: '', no_proxy: '' };
}
