/**
 * Builders of the generated Istio objects (contract E). Pure; `plan.ts` decides which ones exist.
 */
import { byString } from './selection.js';
import { createHash } from 'node:crypto';
import type { GatewayExposure } from './exposure.js';
import type { InventoryPort, InventoryService } from './inventory.js';
import { formatLocality } from './locality.js';
import type { TargetDecision } from './targets.js';
import { serviceAccountsOf, spiffeIdsOf } from './identity.js';
import {
  EAST_WEST_PORT,
  GATEWAY_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MULTICLUSTER_NAMESPACE,
  SOURCE_CLUSTER_LABEL,
  TRUST_DOMAIN_LABEL,
  type FailoverPolicy,
  type GeneratedMeta,
  type GeneratedObject,
  type WorkloadEntrySpec,
} from './types.js';
import { FAILOVER_ANNOTATIONS, failoverAnnotations } from '../api/index.js';

type Target = Extract<TargetDecision, { target: true }>;
const API = 'networking.istio.io/v1' as const;
/** Annotation naming the WorkspaceSetting an object was generated for (status is reported per setting). */
export const SETTING_ANNOTATION = 'meshbridge.io/workspace-setting';
const TLS_MODE = 'security.istio.io/tlsMode';

/** Contract E hash: md5 of `<remote cluster>/<namespace>/<service>/<gateway namespace>/<gateway name>`. */
export function entryHash(
  remote: string,
  namespace: string,
  service: string,
  gwNamespace: string,
  gwName: string,
): string {
  return createHash('md5').update(`${remote}/${namespace}/${service}/${gwNamespace}/${gwName}`).digest('hex');
}

/** `k-<service>-<hash>` for the first address, then `-2`, `-3`… */
export function entryName(service: string, hash: string, index: number): string {
  return index === 0 ? `k-${service}-${hash}` : `k-${service}-${hash}-${index + 1}`;
}

function meta(opts: {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  decisions: readonly Target[];
  bookkeeping?: Record<string, string>;
}): GeneratedMeta {
  const first = opts.decisions[0];
  const gen = first?.item.configGenerationMetadata;
  const annotations: Record<string, string> = { ...(gen?.annotations ?? {}) };
  if (first) annotations[SETTING_ANNOTATION] = first.setting;
  return {
    name: opts.name,
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
    // Our own labels are applied last: configGenerationMetadata may add labels but never hide ownership.
    labels: sortKeys({
      ...(gen?.labels ?? {}),
      ...(opts.labels ?? {}),
      ...(opts.bookkeeping ?? {}),
      [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    }),
    annotations: sortKeys(annotations),
  };
}

function sortKeys(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => byString(a, b)));
}

function portsMap(ports: readonly InventoryPort[]): Record<string, number> | undefined {
  const named = ports.filter((p) => p.name);
  return named.length === 0 ? undefined : Object.fromEntries(named.map((p) => [p.name as string, EAST_WEST_PORT]));
}

function endpointLabels(
  service: InventoryService,
  selector: Record<string, string>,
  t: Target,
  gw: string,
  trustDomain: string | undefined,
): Record<string, string> {
  const failover = Object.entries(service.labels).filter(([k]) => k.startsWith('failover.tetrate.io/'));
  return sortKeys({
    ...selector,
    ...Object.fromEntries(failover),
    [TLS_MODE]: 'istio',
    // The remote servers' identities are in the remote cluster's trust domain, not the local one.
    ...(trustDomain ? { [TRUST_DOMAIN_LABEL]: trustDomain } : {}),
    [SOURCE_CLUSTER_LABEL]: t.remote,
    [GATEWAY_LABEL]: gw,
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  });
}

function endpoint(
  address: string,
  ports: readonly InventoryPort[],
  labels: Record<string, string>,
  locality: string,
): WorkloadEntrySpec {
  const p = portsMap(ports);
  return { address, ...(p ? { ports: p } : {}), labels: { ...labels }, ...(locality ? { locality } : {}) };
}

/**
 * WorkloadEntries in the client cluster for one target (one per gateway address). They carry the local Service's
 * selector labels so they become extra endpoints of that Service; ports map the local port names to 15443. The
 * identity of the servers behind the gateway is the remote service's: its service account (`serviceAccount`,
 * when its pods share one; Istio's field holds one) in the remote trust domain (label `meshbridge.io/trust-domain`).
 */
export function workloadEntries(opts: {
  decision: Target;
  local: InventoryService;
  trustDomains: ReadonlyMap<string, string>;
}): GeneratedObject[] {
  const { decision: t, local } = opts;
  const out: GeneratedObject[] = [];
  const accounts = serviceAccountsOf(t.remoteService);
  for (const g of t.gateways) {
    const gw = `${g.namespace}.${g.name}`;
    const hash = entryHash(t.remote, t.namespace, t.service, g.namespace, g.name);
    const labels = endpointLabels(t.remoteService, local.selector, t, gw, opts.trustDomains.get(t.remote));
    g.addresses.forEach((address, i) => {
      out.push({
        apiVersion: API,
        kind: 'WorkloadEntry',
        metadata: meta({ name: entryName(t.service, hash, i), namespace: t.namespace, labels, decisions: [t] }),
        spec: {
          ...endpoint(address, local.ports, labels, formatLocality(g.locality)),
          ...(accounts.length === 1 ? { serviceAccount: accounts[0] as string } : {}),
        },
      });
    });
  }
  return out;
}

const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'redis', 'mysql'];
function protocolOf(p: InventoryPort): string {
  const candidate = (p.appProtocol ?? p.name?.split('-')[0] ?? '').toLowerCase();
  return PROTOCOLS.includes(candidate) ? candidate.toUpperCase() : 'TCP';
}

/**
 * A ServiceEntry for a service the client cluster does not run: endpoints are every target's gateway addresses;
 * `subjectAltNames` are the SPIFFE IDs of the remote services' accounts in their clusters' trust domains.
 */
export function serviceEntry(opts: {
  decisions: readonly Target[];
  trustDomains: ReadonlyMap<string, string>;
}): GeneratedObject {
  const first = opts.decisions[0] as Target;
  const ports = first.remoteService.ports.filter((p) => p.name);
  const sans = [
    ...new Set(
      opts.decisions.flatMap((t) => {
        const td = opts.trustDomains.get(t.remote);
        return td ? spiffeIdsOf(t.remoteService, td) : [];
      }),
    ),
  ].sort(byString);
  return {
    apiVersion: API,
    kind: 'ServiceEntry',
    metadata: meta({
      name: `k-${first.service}-${first.namespace}`,
      namespace: MULTICLUSTER_NAMESPACE,
      decisions: opts.decisions,
    }),
    spec: {
      hosts: [`${first.service}.${first.namespace}.svc.cluster.local`],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: ports.map((p) => ({ name: p.name as string, number: p.port, protocol: protocolOf(p) })),
      endpoints: opts.decisions.flatMap((t) =>
        t.gateways.flatMap((g) => {
          const labels = endpointLabels(
            t.remoteService,
            {},
            t,
            `${g.namespace}.${g.name}`,
            opts.trustDomains.get(t.remote),
          );
          return g.addresses.map((a) => endpoint(a, ports, labels, formatLocality(g.locality)));
        }),
      ),
      ...(sans.length ? { subjectAltNames: sans } : {}),
    },
  };
}

/**
 * The DestinationRule of a failover service: outlier detection is what makes Envoy leave priority 0 (without it
 * locality priorities never shift), and the ejection cap must allow ejecting a whole locality (100 %). A
 * FailoverPolicy for the service adds its `failoverPriority` (over the WorkspaceSetting's) and the rest as
 * meshbridge's annotations (src/api/failover-policy.ts), which the embedded mesh applies and Istio ignores. The
 * ramp is not written as Istio's `warmup`: Envoy's slow start ramps a host's weight inside its locality, not the
 * locality's share of the load, and turning it on for every new pod would be a change nobody asked for.
 */
export function destinationRule(opts: {
  namespace: string;
  service: string;
  name: string;
  inNamespace?: string;
  decisions: readonly Target[];
  policy?: { fqn: string; policy: FailoverPolicy } | undefined;
}): GeneratedObject {
  const fo = opts.decisions[0]?.failover;
  const spec = opts.policy?.policy.spec;
  const failoverPriority = spec?.failoverPriority ?? fo?.failoverPriority;
  const metadata = meta({ name: opts.name, namespace: opts.inNamespace ?? opts.namespace, decisions: opts.decisions });
  if (opts.policy && spec) {
    metadata.annotations = sortKeys({
      ...(metadata.annotations ?? {}),
      ...failoverAnnotations(spec),
      [FAILOVER_ANNOTATIONS.policy]: opts.policy.fqn,
    });
  }
  return {
    apiVersion: API,
    kind: 'DestinationRule',
    metadata,
    spec: {
      host: `${opts.service}.${opts.namespace}.svc.cluster.local`,
      trafficPolicy: {
        loadBalancer: {
          localityLbSetting: {
            enabled: true,
            ...(failoverPriority?.length ? { failoverPriority } : {}),
          },
        },
        outlierDetection: {
          consecutive5xxErrors: 5,
          consecutiveGatewayErrors: 5,
          interval: '10s',
          baseEjectionTime: '30s',
          maxEjectionPercent: 100,
        },
      },
    },
  };
}

/** The namespace holding ServiceEntries, created (and labelled as ours) when a cluster needs one. */
export function multiclusterNamespace(): GeneratedObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: MULTICLUSTER_NAMESPACE, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
  };
}

/** Name of the Gateway written for East-West gateway `name`. */
export function eastWestGatewayName(name: string): string {
  return `meshbridge-eastwest-${name}`;
}

/**
 * The Istio Gateway of one East-West gateway, in the gateway's namespace: one `TLS` server on 15443 in
 * `AUTO_PASSTHROUGH` mode whose hosts are exactly the exported FQDNs (never `*.local`: exporting every service is
 * the over-exposure of CVE-2021-31921). The selector is `app: <gateway name>`, the label the installer puts on
 * every pod of the gateway (the Deployment's selector): unlike the full pod labels it does not change during a
 * rollout, so old and new pods serve the same hosts.
 */
export function eastWestGateway(exposure: GatewayExposure): GeneratedObject {
  const g = exposure.gateway;
  const annotations: Record<string, string> = {};
  if (exposure.settings[0] !== undefined) annotations[SETTING_ANNOTATION] = exposure.settings[0];
  return {
    apiVersion: API,
    kind: 'Gateway',
    metadata: {
      name: eastWestGatewayName(g.name),
      namespace: g.namespace,
      labels: sortKeys({ [GATEWAY_LABEL]: `${g.namespace}.${g.name}`, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE }),
      annotations,
    },
    spec: {
      selector: { app: g.name },
      servers: [
        {
          port: { number: EAST_WEST_PORT, name: 'tls', protocol: 'TLS' },
          hosts: [...exposure.hosts],
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    },
  };
}
