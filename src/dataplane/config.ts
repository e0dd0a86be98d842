import { nodeId, parseLocalityText, PROXY_PORTS, type LocalityParts } from '../xds/index.js';
import type { ListenerLimits } from './limits.js';
import { readLimits } from './limits.js';

/**
 * Proxy configuration from the environment (contract C.env, written by src/xds/pod-env.ts). The only module that
 * reads `process.env`; validated once and frozen.
 */

import { isValidProxySecret } from './sidecar/proxy-auth.js';

/** Configuration shared by sidecars and gateways. */
export interface ProxyConfig {
  readonly role: 'sidecar' | 'router';
  readonly xdsAddress: string;
  readonly nodeId: string;
  readonly podIp: string;
  readonly podName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly cluster: string;
  readonly network: string;
  readonly locality: { region: string; zone: string; subZone: string };
  readonly workload: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly certDir: string;
  readonly adminPort: number;
  readonly metricsPort: number;
  /** Gateways: the addresses port 15443 listens on (in a local cluster, the pod IP). */
  readonly gatewayAddresses: readonly string[];
  /**
   * Gateways: addresses that reach this gateway through a load balancer (`MB_GATEWAY_EXTERNAL_ADDRESSES`); never
   * listened on, never dialled (an endpoint there would loop back through the load balancer to this gateway).
   */
  readonly gatewayExternalAddresses: readonly string[];
  readonly servedByHeader: boolean;
  /** Port of the outbound explicit proxy (15001) and inbound mTLS listener (15006); overridable for tests. */
  readonly outboundPort: number;
  readonly inboundPort: number;
  readonly gatewayPort: number;
  /**
   * Sidecars: the secret every request to the outbound proxy must carry as `Proxy-Authorization` (MB_PROXY_SECRET,
   * required: see sidecar/proxy-auth.ts). Empty for gateways, which have no outbound proxy.
   */
  readonly proxySecret: string;
  /** Bearer token sent to the ADS server as `authorization` metadata (MB_XDS_TOKEN); empty sends none. */
  readonly xdsToken: string;
  /** Timeouts and connection cap of every traffic listener (`MB_*_TIMEOUT_MS`, `MB_MAX_CONNECTIONS`). */
  readonly limits: ListenerLimits;
  /**
   * Sidecars: the outbound proxy's fast path for plain HTTP/1.1 (sidecar/fast-outbound.ts). On unless
   * `MB_HTTP_FAST_PATH=0`, which leaves every request to Node's HTTP server and client.
   */
  readonly httpFastPath: boolean;
}

/** A configuration problem, with the variable at fault. */
export class ConfigError extends Error {
  readonly code = 'MB0901';
  constructor(message: string) {
    super(`[MB0901] ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the environment. Throws ConfigError listing every missing or invalid variable. */
export function readProxyConfig(role: 'sidecar' | 'router', env: Env = process.env): ProxyConfig {
  const problems: string[] = [];
  const req = (name: string): string => {
    const v = env[name];
    if (!v) problems.push(`${name} is required`);
    return v ?? '';
  };
  const port = (name: string, dflt: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) problems.push(`${name}=${raw} is not a port`);
    return n;
  };
  let labels: Record<string, string> = {};
  try {
    labels = JSON.parse(env.MB_LABELS || '{}') as Record<string, string>;
  } catch {
    problems.push('MB_LABELS is not JSON');
  }
  let locality: LocalityParts = { region: '', zone: '', subzone: '' };
  try {
    locality = parseLocalityText(env.MB_LOCALITY);
  } catch (err) {
    problems.push(`MB_LOCALITY: ${(err as Error).message}`);
  }
  const { region, zone, subzone: subZone } = locality;
  const podIp = req('MB_POD_IP');
  const cfg: ProxyConfig = {
    role,
    xdsAddress: req('MB_XDS_ADDRESS'),
    nodeId: env.MB_NODE_ID || '',
    podIp,
    podName: req('MB_POD_NAME'),
    namespace: req('MB_NAMESPACE'),
    serviceAccount: env.MB_SERVICE_ACCOUNT || 'default',
    cluster: req('MB_CLUSTER'),
    network: env.MB_NETWORK || '',
    locality: { region, zone, subZone },
    workload: env.MB_WORKLOAD || env.MB_POD_NAME || '',
    labels,
    // Gateways pass TLS through and hold no key.
    certDir: role === 'sidecar' ? req('MB_CERT_DIR') : (env.MB_CERT_DIR ?? ''),
    adminPort: port('MB_ADMIN_PORT', PROXY_PORTS.admin),
    metricsPort: port('MB_METRICS_PORT', PROXY_PORTS.metrics),
    gatewayAddresses: (env.MB_GATEWAY_ADDRESSES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    gatewayExternalAddresses: (env.MB_GATEWAY_EXTERNAL_ADDRESSES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    servedByHeader: env.MB_SERVED_BY_HEADER === '1',
    outboundPort: port('MB_OUTBOUND_PORT', PROXY_PORTS.outbound),
    inboundPort: port('MB_INBOUND_PORT', PROXY_PORTS.inbound),
    gatewayPort: port('MB_GATEWAY_PORT', PROXY_PORTS.eastWest),
    proxySecret: role === 'sidecar' ? req('MB_PROXY_SECRET') : '',
    xdsToken: env.MB_XDS_TOKEN ?? '',
    limits: readLimits(env, problems),
    httpFastPath: env.MB_HTTP_FAST_PATH !== '0',
  };
  // The values are secrets: problems name the variable, never echo it.
  if (cfg.proxySecret && !isValidProxySecret(cfg.proxySecret))
    problems.push('MB_PROXY_SECRET must be 32-256 characters of A-Z a-z 0-9 _ -');
  if (cfg.xdsToken && !isValidProxySecret(cfg.xdsToken))
    problems.push('MB_XDS_TOKEN must be 32-256 characters of A-Z a-z 0-9 _ -');
  if (![undefined, '', '0', '1'].includes(env.MB_HTTP_FAST_PATH)) problems.push('MB_HTTP_FAST_PATH must be 0 or 1');
  if (role === 'router' && cfg.gatewayAddresses.length === 0) problems.push('MB_GATEWAY_ADDRESSES is required');
  if (problems.length) throw new ConfigError(problems.join('; '));
  return Object.freeze({
    ...cfg,
    nodeId: cfg.nodeId || nodeId(role, podIp, cfg.podName, cfg.namespace),
  });
}
