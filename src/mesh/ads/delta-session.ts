/**
 * One incremental (delta) ADS stream's protocol, independent of gRPC (`DeltaAggregatedResources`): per-type
 * subscriptions changed by `resource_names_subscribe`/`_unsubscribe`, one version per resource (its content
 * hash), responses that carry only the resources whose version the proxy does not hold plus the names removed,
 * and ACK/NACK by nonce. A reconnecting proxy states what it holds in `initial_resource_versions` and gets only
 * the difference.
 */
import { proxyFromNode, type Proxy, type XdsNodeInfo } from '../proxy.js';
import type { Snapshot } from '../snapshot.js';
import { translate } from '../translate/index.js';
import { partsOf } from '../translate/reuse.js';
import { resourceName, type XdsObject, type XdsResources } from '../xds-types.js';
import { diffResources, resourceVersion } from './resource-diff.js';
import { AckLedger } from './ack-ledger.js';
import { OverlayMap } from './overlay-map.js';
import { MissingNodeError, type AdsCounters, type NackRecord, type TypeStatus } from './session.js';
import {
  encodeAny,
  joinResourceLists,
  structToJson,
  TYPE_URLS,
  type DeltaDiscoveryRequest,
  type WireDeltaResource,
  type WireDeltaResponse,
} from '../../xds/index.js';

const PUSH_ORDER = [TYPE_URLS.cluster, TYPE_URLS.endpoint, TYPE_URLS.listener, TYPE_URLS.route] as const;
const FIELD_OF: Readonly<Record<string, keyof XdsResources>> = {
  [TYPE_URLS.cluster]: 'clusters',
  [TYPE_URLS.endpoint]: 'endpoints',
  [TYPE_URLS.listener]: 'listeners',
  [TYPE_URLS.route]: 'routes',
};

/**
 * Every resource of one list as a first response sends it, shared by every proxy that subscribes to the whole
 * list and holds nothing yet: the usual first request of each type. Built once per list (lists are shared and
 * stable, see resource-diff.ts), so connecting a thousand proxies costs a thousand copies of one encoded payload
 * (wire.ts encodes a frozen resource array once) instead of a thousand passes over every resource.
 */
interface FullSet {
  readonly resources: readonly WireDeltaResource[];
  /** Name -> version of every resource: what the proxy then holds, and what its ACK confirms. */
  readonly versions: ReadonlyMap<string, string>;
}

const fullSets = new WeakMap<readonly XdsObject[], { typeUrl: string; set: FullSet }>();

function fullSetOf(typeUrl: string, all: readonly XdsObject[]): FullSet {
  const hit = fullSets.get(all);
  if (hit?.typeUrl === typeUrl) return hit.set;
  // A proxy's own resources on top of its group's list (translate/reuse.ts): the group's set is built once and
  // this one joins it, so each proxy costs its own few resources.
  const parts = partsOf(all);
  const set = parts
    ? joinSets(fullSetOf(typeUrl, parts.own), fullSetOf(typeUrl, parts.shared))
    : buildSet(typeUrl, all);
  fullSets.set(all, { typeUrl, set });
  return set;
}

function buildSet(typeUrl: string, all: readonly XdsObject[]): FullSet {
  const resources: WireDeltaResource[] = [];
  const versions = new Map<string, string>();
  for (const r of all) {
    const name = resourceName(r);
    // A duplicate name is sent once, as the general path does.
    if (versions.has(name)) continue;
    const version = resourceVersion(r);
    resources.push({ name, version, resource: encodeAny(typeUrl, r) });
    versions.set(name, version);
  }
  return { resources: Object.freeze(resources), versions };
}

function joinSets(own: FullSet, shared: FullSet): FullSet {
  const versions = new OverlayMap(shared.versions);
  // A name in both (not produced by translation) is sent once, with the proxy's own resource.
  const sharedResources = shared.resources.some((r) => own.versions.has(r.name))
    ? Object.freeze(shared.resources.filter((r) => !own.versions.has(r.name)))
    : shared.resources;
  for (const [name, version] of own.versions) versions.set(name, version);
  return { resources: joinResourceLists([own.resources, sharedResources]), versions };
}

/** Responses of one type whose ACK may still come; older ones are forgotten (their ACK is then ignored). */
const MAX_IN_FLIGHT = 16;

interface DeltaTypeState {
  /** Wildcard (`*`, or a first request subscribing to nothing, the legacy form) and/or explicit names. */
  wildcard: boolean;
  names: Set<string>;
  /** Version of each resource the proxy holds (or will hold once it applies what was sent), by name. */
  known: OverlayMap<string, string>;
  /** The resource list last compared with (resource-diff.ts shares the diff between proxies). */
  lastAll: readonly XdsObject[] | undefined;
  /** Per nonce in flight: what that response set (a version) or removed (null), and whether it removed any. */
  inFlight: Map<string, { readonly changes: ReadonlyMap<string, string | null>; readonly removals: boolean }>;
  responses: number;
  lastNack: NackRecord | undefined;
}

/** What a delta session needs from its server. */
export interface DeltaSessionDeps {
  readonly snapshot: () => Snapshot;
  readonly send: (response: WireDeltaResponse) => void;
  readonly counters: AdsCounters;
  readonly onNack?: (nodeId: string, typeUrl: string, record: NackRecord) => void;
  /** Called with every ACK (convergence bookkeeping). */
  readonly onAck?: (typeUrl: string, nonce: string) => void;
}

/** The protocol state of one delta ADS stream. */
export class DeltaAdsSession {
  readonly protocol = 'delta';
  private node: XdsNodeInfo | undefined;
  private readonly types = new Map<string, DeltaTypeState>();
  private nonceCounter = 0;
  private cache: { snapshot: Snapshot; key: string; resources: XdsResources } | undefined;
  /** Which version of each resource this proxy has ACKed. */
  readonly acked = new AckLedger();

  constructor(private readonly deps: DeltaSessionDeps) {}

  get nodeId(): string | undefined {
    return this.node?.id;
  }

  /**
   * Handles one request: an ACK/NACK for the nonce it answers (unknown nonces: the reply part is ignored), then
   * its subscription changes, answered with what the proxy lacks. The first request of a type is always answered
   * (possibly with nothing), so the proxy knows the server has seen its subscription.
   */
  handle(req: DeltaDiscoveryRequest): void {
    if (!this.node) {
      if (!req.node?.id) throw new MissingNodeError();
      const node: XdsNodeInfo = {
        id: req.node.id,
        locality: req.node.locality ?? null,
        metadata: structToJson(req.node.metadata),
      };
      proxyFromNode(node);
      this.node = node;
    }
    const typeUrl = req.type_url ?? '';
    if (!FIELD_OF[typeUrl]) return;
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    const subscribe = req.resource_names_subscribe ?? [];
    const unsubscribe = req.resource_names_unsubscribe ?? [];
    if (!state) {
      state = {
        // The legacy wildcard: a first request naming nothing subscribes to everything.
        wildcard: subscribe.length === 0,
        names: new Set(),
        known: new OverlayMap(new Map(Object.entries(req.initial_resource_versions ?? {}))),
        lastAll: undefined,
        inFlight: new Map(),
        responses: 0,
        lastNack: undefined,
      };
      this.types.set(typeUrl, state);
    }
    const nonce = req.response_nonce ?? '';
    const sent = nonce ? state.inFlight.get(nonce) : undefined;
    if (sent) {
      state.inFlight.delete(nonce);
      if (req.error_detail) {
        // NACK: the proxy keeps what it had; the content is not resent until it changes again.
        const record = { version: nonce, nonce, message: req.error_detail.message ?? '', at: new Date().toISOString() };
        state.lastNack = record;
        this.deps.counters.nacks += 1;
        this.deps.onNack?.(this.node.id, typeUrl, record);
      } else {
        this.acked.apply(typeUrl, sent.changes, { removals: sent.removals });
        state.lastNack = undefined;
        this.deps.counters.acks += 1;
        this.deps.onAck?.(typeUrl, nonce);
      }
    }
    for (const n of subscribe) {
      if (n === '*') state.wildcard = true;
      else state.names.add(n);
    }
    const dropped: string[] = [];
    for (const n of unsubscribe) {
      if (n === '*') state.wildcard = false;
      else if (state.names.delete(n)) dropped.push(n);
    }
    // The proxy forgets what it unsubscribed from; subscribing again sends it again.
    for (const n of dropped) if (!this.selects(state, n)) state.known.delete(n);
    if (first || subscribe.length > 0 || unsubscribe.length > 0) this.sendType(typeUrl, state, first, subscribe);
  }

  /** After a snapshot change: sends each subscribed type the resources that changed for this proxy. */
  push(): void {
    if (!this.node) return;
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types.get(typeUrl);
      if (state) this.sendType(typeUrl, state, false, []);
    }
  }

  /** The resources of a type this proxy should hold now (the last list decided for it, as it subscribed). */
  current(typeUrl: string): readonly XdsObject[] | undefined {
    const state = this.types.get(typeUrl);
    if (!state?.lastAll) return undefined;
    return state.wildcard ? state.lastAll : state.lastAll.filter((r) => state.names.has(resourceName(r)));
  }

  /** Per-type state for stats (versions are response nonces: delta has no per-type version). */
  status(): Record<string, TypeStatus> {
    const out: Record<string, TypeStatus> = {};
    for (const [typeUrl, s] of this.types) {
      out[typeUrl] = {
        subscribed: s.wildcard ? '*' : [...s.names].sort(),
        sentVersion: s.responses === 0 ? '' : String(s.responses),
        ackedVersion: String(this.acked.size(typeUrl)),
        lastNack: s.lastNack,
      };
    }
    return out;
  }

  private selects(state: DeltaTypeState, name: string): boolean {
    return state.wildcard || state.names.has(name);
  }

  private resources(): XdsResources {
    const snapshot = this.deps.snapshot();
    const lds = this.types.get(TYPE_URLS.listener);
    const listenerNames = lds ? [...lds.names].sort() : [];
    const key = listenerNames.join('\n');
    if (this.cache?.snapshot === snapshot && this.cache.key === key) return this.cache.resources;
    const proxy: Proxy = proxyFromNode(this.node as XdsNodeInfo, snapshot);
    const resources = translate(snapshot, proxy, { listenerNames });
    this.cache = { snapshot, key, resources };
    return resources;
  }

  /**
   * Sends what the proxy lacks: on a push, the resources of the shared diff it selects whose version it does not
   * hold, and the selected names that disappeared; on a (re)subscription (`full`, or names just subscribed), every
   * selected resource is checked against what the proxy holds, and explicitly subscribed names that do not exist
   * are reported removed so the proxy stops waiting for them.
   */
  private sendType(typeUrl: string, state: DeltaTypeState, full: boolean, subscribed: readonly string[]): void {
    const all = this.resources()[FIELD_OF[typeUrl] as keyof XdsResources];
    const diff = diffResources(state.lastAll, all);
    state.lastAll = all;
    if (full && state.known.size === 0 && (state.wildcard || all.every((r) => state.names.has(resourceName(r))))) {
      this.sendFullSet(typeUrl, state, fullSetOf(typeUrl, all));
      return;
    }
    const candidates: readonly XdsObject[] = full ? all : diff.changed;
    const out: WireDeltaResource[] = [];
    const changes = new Map<string, string | null>();
    const offer = (r: XdsObject) => {
      const name = resourceName(r);
      if (!this.selects(state, name) || changes.has(name)) return;
      const version = resourceVersion(r);
      if (state.known.get(name) === version) return;
      out.push({ name, version, resource: encodeAny(typeUrl, r) });
      changes.set(name, version);
    };
    candidates.forEach(offer);
    const present = full || subscribed.length > 0 ? new Set(all.map(resourceName)) : undefined;
    if (!full && subscribed.length > 0) for (const r of all) if (subscribed.includes(resourceName(r))) offer(r);
    const removed: string[] = [];
    const remove = (name: string) => {
      if (changes.has(name)) return;
      removed.push(name);
      changes.set(name, null);
      state.known.delete(name);
    };
    for (const name of diff.removed) if (state.known.has(name)) remove(name);
    if (present) {
      // A reconnecting proxy may hold what no longer exists; an explicit name may never have existed.
      for (const name of [...state.known.keys()]) if (!present.has(name)) remove(name);
      for (const name of full ? state.names : subscribed) if (name !== '*' && !present.has(name)) remove(name);
    }
    if (!full && out.length === 0 && removed.length === 0) return;
    for (const [name, version] of changes) if (version !== null) state.known.set(name, version);
    this.respond(typeUrl, state, changes, out, removed);
  }

  /**
   * A first response to a proxy that holds nothing and selects every resource of the list: the shared set, and
   * the explicitly subscribed names that do not exist as removed (the general path's result, without a pass over
   * every resource).
   */
  private sendFullSet(typeUrl: string, state: DeltaTypeState, set: FullSet): void {
    const removed = [...state.names].filter((name) => !set.versions.has(name));
    // The shared set is what this proxy now holds: its own record starts as that map (overlay-map.ts).
    state.known = new OverlayMap(set.versions);
    let changes: ReadonlyMap<string, string | null> = set.versions;
    if (removed.length > 0) changes = new Map([...set.versions, ...removed.map((n) => [n, null] as const)]);
    this.respond(typeUrl, state, changes, set.resources, removed);
  }

  private respond(
    typeUrl: string,
    state: DeltaTypeState,
    changes: ReadonlyMap<string, string | null>,
    resources: readonly WireDeltaResource[],
    removed: readonly string[],
  ): void {
    const nonce = String(++this.nonceCounter);
    state.inFlight.set(nonce, { changes, removals: removed.length > 0 });
    if (state.inFlight.size > MAX_IN_FLIGHT) state.inFlight.delete(state.inFlight.keys().next().value as string);
    state.responses += 1;
    this.deps.counters.responses += 1;
    this.deps.send({
      system_version_info: String(this.deps.snapshot().revision),
      resources,
      type_url: typeUrl,
      nonce,
      removed_resources: removed,
    });
  }
}
