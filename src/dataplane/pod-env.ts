/**
 * What a pod runner needs to start the data plane (contract C.env): the compiled entry points, the environment
 * of a sidecar or gateway process, and the environment that points an app at its sidecar's explicit proxy.
 * The inverse of `readProxyConfig` (config.ts), so both sides agree by construction.
 */
import { fileURLToPath } from 'node:url';

/** Absolute paths of the compiled entry points (this file sits beside them in `dist/dataplane/`). */
export const DATAPLANE_ENTRIES = {
  sidecar: fileURLToPath(new URL('./sidecar-main.js', import.meta.url)),
  gateway: fileURLToPath(new URL('./gateway-main.js', import.meta.url)),
} as const;

/** Inputs of {@link proxyEnv}. */
export interface ProxyEnvOptions {
  role: 'sidecar' | 'router';
  xdsAddress: string;
  podIp: string;
  podName: string;
  namespace: string;
  serviceAccount: string;
  cluster: string;
  network: string;
  locality: { region: string; zone: string; subZone?: string };
  workload: string;
  labels: Record<string, string>;
  /** Holds cert.pem, key.pem, root.pem (sidecars; gateways hold no key). */
  certDir?: string;
  /** Gateways: the addresses to listen on (port 15443). */
  gatewayAddresses?: readonly string[];
  /** Gateways: load-balancer addresses that reach this gateway (never dialled by it). */
  gatewayExternalAddresses?: readonly string[];
  /** Adds `x-meshbridge-served-by` to responses (local clusters: on). */
  servedByHeader?: boolean;
  /** Sidecars (required by them): the pod's outbound proxy secret, the same one {@link appProxyEnv} gives the app. */
  proxySecret?: string;
  /** The ADS server's token, when it requires one. */
  xdsToken?: string;
}

/** The xDS node id of contract C: `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local` (or `router~...`). */
export function nodeId(role: 'sidecar' | 'router', podIp: string, podName: string, namespace: string): string {
  return `${role}~${podIp}~${podName}.${namespace}~${namespace}.svc.cluster.local`;
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
    MB_LOCALITY: `${o.locality.region}/${o.locality.zone}/${o.locality.subZone ?? ''}`,
    MB_WORKLOAD: o.workload,
    MB_LABELS: JSON.stringify(o.labels),
    MB_CERT_DIR: o.certDir ?? '',
    MB_ADMIN_PORT: '15000',
    MB_METRICS_PORT: '15020',
    MB_SERVED_BY_HEADER: o.servedByHeader === false ? '0' : '1',
    ...(o.gatewayAddresses ? { MB_GATEWAY_ADDRESSES: o.gatewayAddresses.join(',') } : {}),
    ...(o.gatewayExternalAddresses ? { MB_GATEWAY_EXTERNAL_ADDRESSES: o.gatewayExternalAddresses.join(',') } : {}),
    ...(o.proxySecret ? { MB_PROXY_SECRET: o.proxySecret } : {}),
    ...(o.xdsToken ? { MB_XDS_TOKEN: o.xdsToken } : {}),
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
 * pod's credential as URL userinfo, which clients send as `Proxy-Authorization: Basic ...` (sidecar/proxy-auth.ts).
 */
export function appProxyEnv(o: AppProxyEnvOptions): Record<string, string> {
  const url = `http://${encodeURIComponent(o.podName)}:${o.secret}@${o.podIp}:${o.outboundPort ?? 15001}`;
  return { HTTP_PROXY: url, http_proxy: url, NO_PROXY: '', no_proxy: '' };
}
