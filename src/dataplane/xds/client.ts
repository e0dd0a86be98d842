/**
 * ADS client, delta (incremental, `DeltaAggregatedResources`) by default, state of the world on request or when
 * the server does not implement delta (it then answers UNIMPLEMENTED and the client switches for good). One
 * bidirectional stream carries all four types; each response is decoded and validated as a whole: if every
 * resource parses, it is accepted and ACKed; otherwise it is NACKed (error_detail says why; with state of the
 * world, version_info = the last accepted version) and the previous resources stay in force. When the stream
 * fails the client reconnects with exponential backoff while the proxy keeps serving its last good config; a
 * delta client then tells the server the version of each resource it holds, and gets only what changed.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Parsed } from './model.js';
import { parseCluster, parseEndpoints, parseListener, parseRouteConfig } from './model.js';
import {
  adsClient,
  decodeAny,
  TYPE_URLS,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type DiscoveryResponse,
  type ResourceKind,
} from '../../xds/index.js';
import { deltaResubscribe, deltaSubscribe, readDeltaResponse } from './delta.js';
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
  /** `delta` (default; falls back to `sotw` when the server does not implement it) or `sotw`. */
  protocol?: XdsProtocol;
}

/** The two ADS protocols. */
export type XdsProtocol = 'delta' | 'sotw';

type Decoded = { name: string; raw: Record<string, unknown>; model: ModelOf[ResourceKind] };

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
  private call: grpc.ClientDuplexStream<unknown, DiscoveryResponse | DeltaDiscoveryResponse> | undefined;
  /** The protocol in use: the option's, until a server without delta makes it `sotw`. */
  protocol: XdsProtocol;
  private stopped = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private updatePending = false;
  /** True until the first request of the current stream is written (delta sends the node once). */
  private first = true;
  connected = false;

  constructor(options: XdsClientOptions) {
    super();
    if (!/^[^:]+:\d+$/.test(options.address)) throw new TypeError(`invalid xDS address ${options.address}`);
    if (options.protocol !== undefined && options.protocol !== 'delta' && options.protocol !== 'sotw')
      throw new TypeError(`invalid xDS protocol ${String(options.protocol)}`);
    this.options = Object.freeze({ ...options });
    this.protocol = options.protocol ?? 'delta';
  }

  /** Opens the stream and subscribes to CDS and LDS (wildcard); EDS and RDS follow from what they name. */
  start(): void {
    const Service = adsClient();
    this.client = new Service(this.options.address, grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
      // grpc-js's 64 KiB HTTP/2 windows make a megabyte of first configuration (1,000 services) wait for a dozen
      // window updates on a busy control plane (bench/control-plane.ts); Envoy's own default is 256 MiB.
      'grpc-node.flow_control_window': 8 * 1024 * 1024,
      // One RDS response grows about 600 bytes per service; grpc-js's 4 MiB default would refuse the
      // configuration of a mesh of ~7,000 services. Still a bound: a response past it ends the stream.
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
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
    type Open = (
      metadata: grpc.Metadata,
    ) => grpc.ClientDuplexStream<unknown, DiscoveryResponse | DeltaDiscoveryResponse>;
    const delta = this.protocol === 'delta';
    const method = (this.client as unknown as Record<string, Open>)[
      delta ? 'DeltaAggregatedResources' : 'StreamAggregatedResources'
    ] as Open;
    const metadata = new grpc.Metadata();
    if (this.options.token) metadata.set('authorization', `Bearer ${this.options.token}`);
    const call = method.call(this.client, metadata);
    this.call = call;
    let gotData = false;
    call.on('data', (res: DiscoveryResponse | DeltaDiscoveryResponse) => {
      if (!gotData) {
        gotData = true;
        this.attempt = 0;
        this.connected = true;
        this.emit('connected');
      }
      if (delta) this.onDeltaResponse(res as DeltaDiscoveryResponse);
      else this.onResponse(res as DiscoveryResponse);
    });
    const onDone = (err?: Error): void => {
      if (this.call !== call) return;
      this.call = undefined;
      this.connected = false;
      this.emit('disconnected', err);
      if (delta && (err as { code?: number } | undefined)?.code === grpc.status.UNIMPLEMENTED) {
        // A server without delta xDS (an older control plane): state of the world from now on, at once.
        this.protocol = 'sotw';
        this.connect();
        return;
      }
      this.scheduleReconnect();
    };
    call.on('error', (err: Error) => onDone(err));
    call.on('end', () => onDone(undefined));
    // Resubscribe with what we hold, so a restarted server knows our versions.
    this.first = true;
    const kinds: ResourceKind[] = ['cluster', 'listener', 'endpoint', 'route'];
    for (const kind of kinds) {
      if ((kind === 'endpoint' || kind === 'route') && this.state[kind].names.length === 0) continue;
      if (delta) this.sendDelta(deltaSubscribe(kind, this.state[kind] as TypeState<ResourceKind>));
      else this.sendRequest(kind);
    }
  }

  /** Writes a delta request; the first of a stream carries the node. */
  private sendDelta(req: DeltaDiscoveryRequest): void {
    const withNode = this.first ? { ...req, node: this.options.node as DeltaDiscoveryRequest['node'] } : req;
    this.first = false;
    this.call?.write(withNode);
  }

  private onDeltaResponse(res: DeltaDiscoveryResponse): void {
    const kind = KIND_BY_URL.get(res.type_url);
    if (!kind) return;
    const s = this.state[kind] as TypeState<ResourceKind>;
    s.nonce = res.nonce;
    const read = readDeltaResponse(res);
    const errors = read.ok ? [] : read.errors;
    const decoded: Decoded[] = [];
    if (read.ok) {
      for (const [i, item] of read.items.entries()) {
        const one = this.decodeOne(kind, item.any, i, errors);
        if (one && one.name !== item.name) errors.push(`resources[${i}]: named ${item.name}, holds ${one.name}`);
        else if (one) decoded.push(one);
      }
    }
    if (errors.length > 0) {
      const error = errors.join('; ');
      s.rejected = { version: res.system_version_info ?? '', nonce: res.nonce, error, at: new Date().toISOString() };
      this.sendDelta({
        type_url: res.type_url,
        response_nonce: res.nonce,
        error_detail: { code: grpc.status.INVALID_ARGUMENT, message: error },
      });
      this.emit('nack', kind, error);
      return;
    }
    const versions = new Map(read.ok ? read.items.map((it) => [it.name, it.version]) : []);
    for (const it of decoded) {
      s.models.set(it.name, it.model);
      s.raw.set(it.name, it.raw);
      s.versions.set(it.name, versions.get(it.name) ?? '');
    }
    for (const name of read.ok ? read.removed : []) {
      s.models.delete(name);
      s.raw.delete(name);
      s.versions.delete(name);
    }
    s.version = res.system_version_info ?? '';
    s.received = true;
    delete s.rejected;
    this.sendDelta({ type_url: res.type_url, response_nonce: res.nonce });
    this.updateSubscriptions();
    this.scheduleUpdateEvent();
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

  private decodeAll(kind: ResourceKind, res: DiscoveryResponse): Parsed<Decoded[]> {
    const errors: string[] = [];
    const out: Decoded[] = [];
    const seen = new Set<string>();
    // proto3 omits an empty repeated field: an empty CDS/LDS response (everything removed) has no `resources`.
    (res.resources ?? []).forEach((any, i) => {
      if (any.type_url !== res.type_url) {
        errors.push(`resources[${i}]: type ${any.type_url} in a ${res.type_url} response`);
        return;
      }
      const one = this.decodeOne(kind, any, i, errors);
      if (!one) return;
      if (seen.has(one.name)) errors.push(`duplicate resource ${one.name}`);
      seen.add(one.name);
      out.push(one);
    });
    return errors.length ? { ok: false, errors } : { ok: true, value: out };
  }

  /** Decodes and parses one resource; on failure adds located errors and returns undefined. */
  private decodeOne(
    kind: ResourceKind,
    any: { type_url: string; value: Uint8Array },
    i: number,
    errors: string[],
  ): Decoded | undefined {
    let raw: Record<string, unknown>;
    try {
      raw = decodeAny(any);
    } catch (err) {
      errors.push(`resources[${i}]: cannot decode: ${(err as Error).message}`);
      return undefined;
    }
    const parsed = PARSERS[kind](raw);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      return undefined;
    }
    return { name: resourceName(kind, raw), raw, model: parsed.value };
  }

  private apply(kind: ResourceKind, items: Decoded[], version: string): void {
    const s = this.state[kind] as TypeState<ResourceKind>;
    // CDS and LDS responses hold the full set (absent = removed); EDS and RDS name only what they carry.
    if (kind === 'cluster' || kind === 'listener') {
      s.models.clear();
      s.raw.clear();
      s.versions.clear();
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
    const before = s.names;
    s.names = names;
    const keep = new Set(names);
    for (const key of [...s.models.keys()]) {
      if (!keep.has(key)) {
        s.models.delete(key);
        s.raw.delete(key);
        s.versions.delete(key);
      }
    }
    if (this.protocol === 'sotw') this.sendRequest(kind);
    else {
      const req = deltaResubscribe(kind, before, names);
      if (req) this.sendDelta(req);
    }
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
