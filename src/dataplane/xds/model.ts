/**
 * The data plane's own view of xDS resources: the few fields a sidecar or gateway acts on, validated.
 * `parse*` functions are pure: decoded proto object in, a model or a list of problems out (every problem, with a
 * field path, not just the first), so an update can be NACKed with a useful error_detail.
 */
import { parseSpiffeId } from '../../identity/spiffe.js';
import { MAX_FAILBACK_MS } from '../../api/failover-policy.js';
import { FAILBACK_METADATA_KEY } from '../../xds/index.js';

/** Outlier detection settings (Envoy names, milliseconds). */
export interface OutlierModel {
  consecutive5xx: number;
  consecutiveGatewayErrors: number;
  intervalMs: number;
  baseEjectionMs: number;
  maxEjectionPercent: number;
  /** `enforcing_consecutive_5xx` percent; Envoy's default 100. */
  enforcingConsecutive5xx?: number;
  /** `enforcing_consecutive_gateway_failure` percent; Envoy's default 0 (counted, never ejects). */
  enforcingConsecutiveGateway?: number;
  /** `split_external_local_origin_errors`: local-origin failures count apart (see balancer/outlier.ts). */
  splitExternalLocalOrigin?: boolean;
  /** `consecutive_local_origin_failure` (default 5) and its enforcing percent (default 100). */
  consecutiveLocalOrigin?: number;
  enforcingConsecutiveLocalOrigin?: number;
}

/**
 * meshbridge's failback hysteresis of a cluster (balancer/failback.ts), from the cluster's
 * `metadata.filter_metadata["meshbridge.io/failback"]` (`delayMs`, `rampMs` as decimal strings). Envoy has no such
 * field; a proxy that does not know the key ignores it.
 */
export interface FailbackModel {
  delayMs: number;
  rampMs: number;
}

/** A CDS cluster. */
export interface ClusterModel {
  name: string;
  discovery: 'EDS' | 'STATIC';
  connectTimeoutMs: number;
  outlier?: OutlierModel;
  failback?: FailbackModel;
  /** Inline endpoints of a STATIC cluster. */
  loadAssignment?: EndpointsModel;
}

/** One endpoint. */
export interface EndpointModel {
  host: string;
  port: number;
  healthy: boolean;
  /**
   * EDS `DEGRADED`: the host takes traffic only once healthy capacity runs out (Envoy's degraded load). Unset
   * means not degraded.
   */
  degraded?: boolean;
  weight: number;
  /** `istio` when the peer speaks mTLS (transport socket match metadata), else plaintext. */
  tlsMode: 'istio' | 'disabled';
  /** Cluster the endpoint is in, from metadata when the control plane sets it. */
  clusterId?: string;
  /**
   * SPIFFE IDs the endpoint may present (`filter_metadata.meshbridge.subjectAltNames`, comma separated, like
   * Istio's `subjectAltNames`): an mTLS endpoint presenting any other identity is refused before a request byte is
   * sent. An `istio` endpoint without the list is refused too (fail closed).
   */
  subjectAltNames?: readonly string[];
}

/** Endpoints of one locality at one priority. */
export interface LocalityModel {
  locality: { region: string; zone: string; subZone: string };
  priority: number;
  weight: number;
  endpoints: EndpointModel[];
}

/** An EDS ClusterLoadAssignment. */
export interface EndpointsModel {
  clusterName: string;
  /** Envoy's overprovisioning factor as a ratio (140 -> 1.4). */
  overprovisioning: number;
  localities: LocalityModel[];
}

/** A route's retry policy. */
export interface RetryModel {
  retryOn: ReadonlySet<string>;
  numRetries: number;
  perTryTimeoutMs: number;
  /**
   * `per_try_idle_timeout`: a try with no sign of progress from its upstream for this long ends (0 = none). The
   * clock restarts on every interim (1xx) response: a meshbridge inbound listener sends `102 Processing` while its
   * application works (sidecar/inbound.ts), so a live peer is never cut for being slow, and a silent one is.
   */
  perTryIdleTimeoutMs: number;
  retriableStatusCodes: ReadonlySet<number>;
  /** previous_hosts predicate: retry on another host. */
  otherHost: boolean;
  /** `host_selection_retry_max_attempts`: redraws when the predicate rejects a host (Envoy's default 1). */
  hostSelectionAttempts: number;
  /**
   * `previous_priorities` retry priority's `update_frequency`: every this many attempts, the priorities of the
   * hosts attempted so far are excluded from the load of later attempts. 0 = no retry priority.
   */
  priorityUpdateFrequency: number;
  /**
   * Route's `hedge_policy.hedge_on_per_try_timeout`: when a try outlives the per-try timeout it is not cancelled;
   * another try starts beside it and the first usable response wins.
   */
  hedgeOnPerTryTimeout: boolean;
}

/** A virtual host of the `outbound` route configuration (first route, `prefix: /`). */
export interface VirtualHostModel {
  name: string;
  domains: string[];
  cluster: string;
  timeoutMs: number;
  retry?: RetryModel;
}

/** An RDS RouteConfiguration. */
export interface RouteConfigModel {
  name: string;
  virtualHosts: VirtualHostModel[];
}

/** A listener filter chain: match on SNI, target cluster (tcp_proxy) or route config (HCM). */
export interface FilterChainModel {
  serverNames: string[];
  cluster?: string;
  routeConfigName?: string;
  /**
   * Trust domains whose workloads may connect (from the chain's DownstreamTlsContext: URI SAN matchers
   * `prefix: spiffe://<domain>/`). Undefined when the chain names none: the inbound listener then accepts its own
   * trust domain only.
   */
  peerTrustDomains?: string[];
}

/** An LDS Listener. */
export interface ListenerModel {
  name: string;
  address?: { host: string; port: number };
  filterChains: FilterChainModel[];
}

/** Longest lists accepted from the control plane (every parser has a limit). */
const MAX_SANS = 64;
const MAX_TRUST_DOMAINS = 256;

/** A parse result. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown, dflt: number): number => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : dflt;
};
/** google.protobuf.UInt32Value -> number. */
const u32 = (v: unknown, dflt: number): number => (v === undefined ? dflt : num(obj(v).value ?? 0, dflt));
/**
 * A string field of a decoded google.protobuf.Struct. protobufjs loads the well-known types from its own
 * camelCase descriptors even with keepCase, so the value is `{fields: {k: {stringValue}}}`.
 */
function structString(struct: unknown, key: string): string {
  const field = obj(obj(obj(struct).fields)[key]);
  return str(field.stringValue ?? field.string_value);
}
/** google.protobuf.Duration -> ms. */
export function durationMs(v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const d = obj(v);
  return num(d.seconds ?? 0, 0) * 1000 + Math.round(num(d.nanos ?? 0, 0) / 1e6);
}

/** Parses a decoded `envoy.config.cluster.v3.Cluster`. */
export function parseCluster(c: Obj): Parsed<ClusterModel> {
  const errors: string[] = [];
  const name = str(c.name);
  if (!name) errors.push('name: required');
  const type = str(c.type) || 'STATIC';
  if (type !== 'EDS' && type !== 'STATIC') errors.push(`${name}: type: ${type} is not supported (EDS, STATIC)`);
  const model: ClusterModel = {
    name,
    discovery: type === 'EDS' ? 'EDS' : 'STATIC',
    connectTimeoutMs: durationMs(c.connect_timeout, 5000),
  };
  if (c.outlier_detection) {
    const o = obj(c.outlier_detection);
    model.outlier = {
      consecutive5xx: u32(o.consecutive_5xx, 5),
      consecutiveGatewayErrors: u32(o.consecutive_gateway_failure, 5),
      intervalMs: durationMs(o.interval, 10_000),
      baseEjectionMs: durationMs(o.base_ejection_time, 30_000),
      maxEjectionPercent: u32(o.max_ejection_percent, 10),
      enforcingConsecutive5xx: u32(o.enforcing_consecutive_5xx, 100),
      enforcingConsecutiveGateway: u32(o.enforcing_consecutive_gateway_failure, 0),
      splitExternalLocalOrigin: o.split_external_local_origin_errors === true,
      consecutiveLocalOrigin: u32(o.consecutive_local_origin_failure, 5),
      enforcingConsecutiveLocalOrigin: u32(o.enforcing_consecutive_local_origin_failure, 100),
    };
    if (model.outlier.maxEjectionPercent > 100) errors.push(`${name}: outlier_detection.max_ejection_percent > 100`);
  }
  const failback = obj(obj(obj(c.metadata).filter_metadata)[FAILBACK_METADATA_KEY]);
  if (Object.keys(failback).length > 0) {
    const field = (key: 'delayMs' | 'rampMs'): number => {
      const text = structString(failback, key) || '0';
      const ms = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
      if (!(ms <= MAX_FAILBACK_MS)) {
        errors.push(
          `${name}: metadata.${FAILBACK_METADATA_KEY}.${key}: ${JSON.stringify(text)} is not 0..${MAX_FAILBACK_MS} ms`,
        );
      }
      return ms;
    };
    const delayMs = field('delayMs');
    const rampMs = field('rampMs');
    if (delayMs > 0 || rampMs > 0) model.failback = { delayMs, rampMs };
  }
  if (model.discovery === 'STATIC') {
    const la = parseEndpoints({ ...obj(c.load_assignment), cluster_name: name });
    if (la.ok) model.loadAssignment = la.value;
    else errors.push(...la.errors.map((e) => `load_assignment.${e}`));
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: model };
}

/** Parses a decoded `ClusterLoadAssignment`; priorities must be contiguous from 0 (Envoy and gRPC reject gaps). */
export function parseEndpoints(a: Obj): Parsed<EndpointsModel> {
  const errors: string[] = [];
  const clusterName = str(a.cluster_name);
  if (!clusterName) errors.push('cluster_name: required');
  const policy = obj(a.policy);
  const factor = u32(policy.overprovisioning_factor, 140);
  const localities: LocalityModel[] = arr(a.endpoints).map((l, i) => {
    const lo = obj(l);
    const loc = obj(lo.locality);
    const endpoints = arr(lo.lb_endpoints).map((e, j): EndpointModel => {
      const eo = obj(e);
      const sa = obj(obj(obj(eo.endpoint).address).socket_address);
      const host = str(sa.address);
      const port = num(sa.port_value, 0);
      if (!host || !(port > 0 && port < 65536)) {
        errors.push(`${clusterName}: endpoints[${i}].lb_endpoints[${j}]: invalid socket address ${host}:${port}`);
      }
      const status = str(eo.health_status) || 'UNKNOWN';
      const fm = obj(obj(eo.metadata).filter_metadata);
      const tlsMode = structString(fm['envoy.transport_socket_match'], 'tlsMode') === 'istio' ? 'istio' : 'disabled';
      const clusterId = structString(fm.istio, 'cluster') || structString(fm.meshbridge, 'cluster');
      const where = `${clusterName}: endpoints[${i}].lb_endpoints[${j}]`;
      const sans = parseSans(structString(fm.meshbridge, 'subjectAltNames'), where, errors);
      return {
        host,
        port,
        healthy: status === 'UNKNOWN' || status === 'HEALTHY',
        ...(status === 'DEGRADED' ? { degraded: true } : {}),
        weight: u32(eo.load_balancing_weight, 1) || 1,
        tlsMode,
        ...(clusterId ? { clusterId } : {}),
        ...(sans ? { subjectAltNames: sans } : {}),
      };
    });
    return {
      locality: { region: str(loc.region), zone: str(loc.zone), subZone: str(loc.sub_zone) },
      priority: num(lo.priority, 0),
      weight: u32(lo.load_balancing_weight, 1) || 1,
      endpoints,
    };
  });
  const priorities = [...new Set(localities.map((l) => l.priority))].sort((x, y) => x - y);
  priorities.forEach((p, i) => {
    if (p !== i) errors.push(`${clusterName}: priorities must be contiguous from 0, found ${priorities.join(',')}`);
  });
  return errors.length
    ? { ok: false, errors: [...new Set(errors)] }
    : { ok: true, value: { clusterName, overprovisioning: factor / 100, localities } };
}

/** Redraws of a host per attempt are bounded (each is a balancer pick). */
const MAX_HOST_SELECTION_ATTEMPTS = 16;

/** `update_frequency` of a `previous_priorities` retry priority; 0 when there is none. Other kinds are errors. */
function retryPriorityFrequency(rp: unknown, where: string, errors: string[]): number {
  if (rp === undefined || rp === null) return 0;
  const name = str(obj(rp).name);
  if (!name.includes('previous_priorities')) {
    errors.push(`${where}: retry_priority: ${name || '(unnamed)'} is not supported (previous_priorities)`);
    return 0;
  }
  const frequency = num(obj(obj(rp).typed_config).update_frequency, 0);
  if (!(frequency > 0)) errors.push(`${where}: retry_priority: update_frequency must be > 0`);
  return frequency > 0 ? frequency : 0;
}

const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** Parses a decoded `RouteConfiguration`: each virtual host's first route must target a cluster. */
export function parseRouteConfig(r: Obj): Parsed<RouteConfigModel> {
  const errors: string[] = [];
  const name = str(r.name);
  if (!name) errors.push('name: required');
  const virtualHosts = arr(r.virtual_hosts).map((v, i): VirtualHostModel => {
    const vo = obj(v);
    const domains = arr(vo.domains).map(str).filter(Boolean);
    if (domains.length === 0) errors.push(`${name}: virtual_hosts[${i}].domains: required`);
    const route = obj(obj(arr(vo.routes)[0]).route);
    const cluster = str(route.cluster);
    if (!cluster) errors.push(`${name}: virtual_hosts[${i}].routes[0].route.cluster: required`);
    const vh: VirtualHostModel = { name: str(vo.name), domains, cluster, timeoutMs: durationMs(route.timeout, 15_000) };
    const rp = route.retry_policy ?? vo.retry_policy;
    if (rp) {
      const p = obj(rp);
      vh.retry = {
        retryOn: new Set((str(p.retry_on) || DEFAULT_RETRY_ON).split(',').map((s) => s.trim())),
        numRetries: u32(p.num_retries, 1),
        perTryTimeoutMs: durationMs(p.per_try_timeout, 0),
        perTryIdleTimeoutMs: durationMs(p.per_try_idle_timeout, 0),
        retriableStatusCodes: new Set(arr(p.retriable_status_codes).map((c) => num(c, 0))),
        otherHost: arr(p.retry_host_predicate).some((h) => str(obj(h).name).includes('previous_hosts')),
        hostSelectionAttempts: Math.min(MAX_HOST_SELECTION_ATTEMPTS, num(p.host_selection_retry_max_attempts, 1)),
        priorityUpdateFrequency: retryPriorityFrequency(p.retry_priority, `${name}: virtual_hosts[${i}]`, errors),
        hedgeOnPerTryTimeout: obj(route.hedge_policy ?? vo.hedge_policy).hedge_on_per_try_timeout === true,
      };
    }
    return vh;
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: { name, virtualHosts } };
}

/** Parses a decoded `Listener`: address and, per filter chain, SNI match and target. */
export function parseListener(l: Obj): Parsed<ListenerModel> {
  const errors: string[] = [];
  const name = str(l.name);
  if (!name) errors.push('name: required');
  const sa = obj(obj(l.address).socket_address);
  const model: ListenerModel = { name, filterChains: [] };
  if (str(sa.address)) model.address = { host: str(sa.address), port: num(sa.port_value, 0) };
  for (const fc of arr(l.filter_chains)) {
    const fco = obj(fc);
    const chain: FilterChainModel = { serverNames: arr(obj(fco.filter_chain_match).server_names).map(str) };
    for (const f of arr(fco.filters)) {
      const tc = obj(obj(f).typed_config);
      const type = str(tc['@type']);
      if (type.endsWith('.TcpProxy')) chain.cluster = str(tc.cluster);
      else if (type.endsWith('.HttpConnectionManager')) {
        const rds = obj(tc.rds);
        if (str(rds.route_config_name)) chain.routeConfigName = str(rds.route_config_name);
        const inline = obj(tc.route_config);
        const vh = obj(arr(inline.virtual_hosts)[0]);
        const cluster = str(obj(obj(arr(vh.routes)[0]).route).cluster);
        if (cluster) chain.cluster = cluster;
      }
    }
    const domains = parsePeerTrustDomains(
      obj(fco.transport_socket),
      `${name}: filter_chains[${model.filterChains.length}]`,
    );
    if (domains.ok && domains.value) chain.peerTrustDomains = domains.value;
    if (!domains.ok) errors.push(...domains.errors);
    model.filterChains.push(chain);
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: model };
}

function parseSans(raw: string, where: string, errors: string[]): string[] | undefined {
  if (!raw) return undefined;
  const sans = raw.split(',');
  if (sans.length > MAX_SANS) errors.push(`${where}: more than ${MAX_SANS} subjectAltNames`);
  for (const san of sans) {
    if (!parseSpiffeId(san)) errors.push(`${where}: subjectAltNames: ${JSON.stringify(san)} is not a SPIFFE ID`);
  }
  return sans;
}

/**
 * Trust domains of a DownstreamTlsContext's URI SAN matchers. Only `prefix: spiffe://<domain>/` matchers are
 * understood; any other matcher is an error (the update is rejected rather than enforced loosely).
 */
function parsePeerTrustDomains(transportSocket: Obj, where: string): Parsed<string[] | undefined> {
  const ctx = obj(obj(transportSocket.typed_config).common_tls_context);
  const validation = obj(obj(ctx.combined_validation_context).default_validation_context);
  const matchers = arr(validation.match_typed_subject_alt_names);
  if (matchers.length === 0) return { ok: true, value: undefined };
  const errors: string[] = [];
  if (matchers.length > MAX_TRUST_DOMAINS) errors.push(`${where}: more than ${MAX_TRUST_DOMAINS} SAN matchers`);
  const domains: string[] = [];
  matchers.forEach((m, k) => {
    const mo = obj(m);
    const prefix = str(obj(mo.matcher).prefix);
    const domain = /^spiffe:\/\/([a-z0-9._-]+)\/$/.exec(prefix)?.[1];
    if (str(mo.san_type) !== 'URI' || !domain) {
      errors.push(
        `${where}: match_typed_subject_alt_names[${k}]: only URI prefix spiffe://<trust domain>/ is supported`,
      );
    } else domains.push(domain);
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: domains };
}
