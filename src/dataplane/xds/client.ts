/**
 * ADS client (state of the world). One bidirectional stream carries all four types; each response is decoded and
 * validated as a whole: if every resource parses, it is accepted and ACKed (version_info = the response's
 * version); otherwise it is NACKed (version_info = the last accepted version, error_detail says why) and the
 * previous resources stay in force. When the stream fails the client reconnects with exponential backoff while
 * the proxy keeps serving its last good config.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Parsed } from './model.js';
import { parseCluster, parseEndpoints, parseListener, parseRouteConfig } from './model.js';
import { adsClient, decodeAny, TYPE_URLS, type DiscoveryResponse, type ResourceKind } from '../../xds/index.js';
import type { ModelOf, TypeState, XdsState } from './snapshot.js';
import { emptyState } from './snapshot.js';

/** Options of {@link XdsClient}; validated and frozen at construction. */
export interface XdsClientOptions {
  /** `host:port` of the ADS server. */
  address: string;
  /** The `envoy.config.core.v3.Node` message (plain object, snake_case). */
  node: Record<string, unknown>;
  /** Bearer token the ADS server requires (sent as `authorization` metadata on the stream); none when absent. */
  token?: string;
  /** Reconnect backoff; defaults 200 ms doubling to 5 s, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
}

/** Events: `update` (state changed, async), `nack` (an update was rejected), `connected`, `disconnected`. */
export interface XdsClientEvents {
  update: [XdsState];
  nack: [ResourceKind, string];
  connected: [];
  disconnected: [Error | undefined];
}

const PARSERS: { [K in ResourceKind]: (o: Record<string, unknown>) => Parsed<ModelOf[K]> } = {
  cluster: parseCluster,
  endpoint: parseEndpoints,
  route: parseRouteConfig,
  listener: parseListener,
};
const KIND_BY_URL = new Map<string, ResourceKind>(
  Object.entries(TYPE_URLS).map(([k, v]): [string, ResourceKind] => [v, k as ResourceKind]),
);
/** Name of a resource as its type keys it. */
const resourceName = (kind: ResourceKind, r: Record<string, unknown>): string =>
  String(kind === 'endpoint' ? r.cluster_name : r.name);

/** The ADS client. */
export class XdsClient extends EventEmitter<XdsClientEvents> {
  readonly state: XdsState = emptyState();
  private readonly options: Readonly<XdsClientOptions>;
  private client: grpc.Client | undefined;
  private call: grpc.ClientDuplexStream<unknown, DiscoveryResponse> | undefined;
  private stopped = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private updatePending = false;
  connected = false;

  constructor(options: XdsClientOptions) {
    super();
    if (!/^[^:]+:\d+$/.test(options.address)) throw new TypeError(`invalid xDS address ${options.address}`);
    this.options = Object.freeze({ ...options });
  }

  /** Opens the stream and subscribes to CDS and LDS (wildcard); EDS and RDS follow from what they name. */
  start(): void {
    const Service = adsClient();
    this.client = new Service(this.options.address, grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
    });
    this.connect();
  }

  /** Closes the stream for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.call?.cancel();
    this.client?.close();
  }

  /** True once clusters and listeners were received and every subscribed EDS/RDS resource arrived. */
  isReady(): boolean {
    const s = this.state;
    return (
      s.cluster.received &&
      s.listener.received &&
      s.endpoint.names.every((n) => s.endpoint.models.has(n)) &&
      s.route.names.every((n) => s.route.models.has(n))
    );
  }

  private connect(): void {
    if (this.stopped || !this.client) return;
    const method = (
      this.client as unknown as Record<
        string,
        (metadata: grpc.Metadata) => grpc.ClientDuplexStream<unknown, DiscoveryResponse>
      >
    ).StreamAggregatedResources;
    const metadata = new grpc.Metadata();
    if (this.options.token) metadata.set('authorization', `Bearer ${this.options.token}`);
    const call = method!.call(this.client, metadata);
    this.call = call;
    let gotData = false;
    call.on('data', (res: DiscoveryResponse) => {
      if (!gotData) {
        gotData = true;
        this.attempt = 0;
        this.connected = true;
        this.emit('connected');
      }
      this.onResponse(res);
    });
    const onDone = (err?: Error): void => {
      if (this.call !== call) return;
      this.call = undefined;
      this.connected = false;
      this.emit('disconnected', err);
      this.scheduleReconnect();
    };
    call.on('error', (err: Error) => onDone(err));
    call.on('end', () => onDone(undefined));
    // Resubscribe with what we hold, so a restarted server knows our versions.
    this.sendRequest('cluster');
    this.sendRequest('listener');
    if (this.state.endpoint.names.length) this.sendRequest('endpoint');
    if (this.state.route.names.length) this.sendRequest('route');
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 5000 };
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt++);
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref();
  }

  private sendRequest(kind: ResourceKind, errorDetail?: string): void {
    const s = this.state[kind] as TypeState<ResourceKind>;
    const req: Record<string, unknown> = {
      node: this.options.node,
      type_url: TYPE_URLS[kind],
      resource_names: s.names,
      version_info: s.version,
      response_nonce: s.nonce,
    };
    if (errorDetail !== undefined) req.error_detail = { code: grpc.status.INVALID_ARGUMENT, message: errorDetail };
    this.call?.write(req);
  }

  private onResponse(res: DiscoveryResponse): void {
    const kind = KIND_BY_URL.get(res.type_url);
    if (!kind) return; // not a type we subscribe to
    const result = this.decodeAll(kind, res);
    const s = this.state[kind] as TypeState<ResourceKind>;
    s.nonce = res.nonce;
    if (!result.ok) {
      const error = result.errors.join('; ');
      s.rejected = { version: res.version_info, nonce: res.nonce, error, at: new Date().toISOString() };
      this.sendRequest(kind, error);
      this.emit('nack', kind, error);
      return;
    }
    this.apply(kind, result.value, res.version_info);
    this.sendRequest(kind);
    this.updateSubscriptions();
    this.scheduleUpdateEvent();
  }

  private decodeAll(
    kind: ResourceKind,
    res: DiscoveryResponse,
  ): Parsed<Array<{ name: string; raw: Record<string, unknown>; model: ModelOf[ResourceKind] }>> {
    const errors: string[] = [];
    const out: Array<{ name: string; raw: Record<string, unknown>; model: ModelOf[ResourceKind] }> = [];
    const seen = new Set<string>();
    // proto3 omits an empty repeated field: an empty CDS/LDS response (everything removed) has no `resources`.
    (res.resources ?? []).forEach((any, i) => {
      if (any.type_url !== res.type_url) {
        errors.push(`resources[${i}]: type ${any.type_url} in a ${res.type_url} response`);
        return;
      }
      let raw: Record<string, unknown>;
      try {
        raw = decodeAny(any);
      } catch (err) {
        errors.push(`resources[${i}]: cannot decode: ${(err as Error).message}`);
        return;
      }
      const parsed = PARSERS[kind](raw);
      if (!parsed.ok) {
        errors.push(...parsed.errors);
        return;
      }
      const name = resourceName(kind, raw);
      if (seen.has(name)) errors.push(`duplicate resource ${name}`);
      seen.add(name);
      out.push({ name, raw, model: parsed.value });
    });
    return errors.length ? { ok: false, errors } : { ok: true, value: out };
  }

  private apply(
    kind: ResourceKind,
    items: Array<{ name: string; raw: Record<string, unknown>; model: ModelOf[ResourceKind] }>,
    version: string,
  ): void {
    const s = this.state[kind] as TypeState<ResourceKind>;
    // CDS and LDS responses hold the full set (absent = removed); EDS and RDS name only what they carry.
    if (kind === 'cluster' || kind === 'listener') {
      s.models.clear();
      s.raw.clear();
    }
    for (const it of items) {
      s.models.set(it.name, it.model);
      s.raw.set(it.name, it.raw);
    }
    s.version = version;
    s.received = true;
    delete s.rejected;
  }

  /** EDS follows the EDS clusters of CDS; RDS follows the route configs named by listeners. */
  private updateSubscriptions(): void {
    const eds = [...this.state.cluster.models.values()]
      .filter((c) => c.discovery === 'EDS')
      .map((c) => c.name)
      .sort();
    const rds = [
      ...new Set(
        [...this.state.listener.models.values()].flatMap((l) =>
          l.filterChains.map((f) => f.routeConfigName).filter((n): n is string => !!n),
        ),
      ),
    ].sort();
    this.resubscribe('endpoint', eds);
    this.resubscribe('route', rds);
  }

  private resubscribe(kind: 'endpoint' | 'route', names: string[]): void {
    const s = this.state[kind] as TypeState<ResourceKind>;
    if (names.join('\n') === s.names.join('\n')) return;
    s.names = names;
    for (const key of [...s.models.keys()]) {
      if (!names.includes(key)) {
        s.models.delete(key);
        s.raw.delete(key);
      }
    }
    this.sendRequest(kind);
  }

  /** Updates are delivered asynchronously and coalesced, never re-entering the stream handler. */
  private scheduleUpdateEvent(): void {
    if (this.updatePending) return;
    this.updatePending = true;
    setImmediate(() => {
      this.updatePending = false;
      this.emit('update', this.state);
    });
  }
}
