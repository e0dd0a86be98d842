/**
 * One ADS stream's state-of-the-world protocol, independent of gRPC: per-type subscriptions, versions and nonces,
 * ACK/NACK bookkeeping, and pushes only when the resources a proxy subscribed to changed (hash per type).
 */
import { AckLedger } from './ack-ledger.js';
import { OverlayMap } from './overlay-map.js';
import { proxyFromNode, type Proxy, type XdsNodeInfo } from '../proxy.js';
import type { Snapshot } from '../snapshot.js';
import { translate } from '../translate/index.js';
import { resourceName, type XdsObject, type XdsResources } from '../xds-types.js';
import {
  diffResources,
  resourceVersion,
  selectResources,
  subscriptionKey,
  type Subscription,
} from './resource-diff.js';
import { encodeAny, structToJson, TYPE_URLS, type DiscoveryRequest, type DiscoveryResponse } from '../../xds/index.js';

/** Push order for make-before-break: clusters before their endpoints, listeners before their routes. */
const PUSH_ORDER = [TYPE_URLS.cluster, TYPE_URLS.endpoint, TYPE_URLS.listener, TYPE_URLS.route] as const;

const FIELD_OF: Readonly<Record<string, keyof XdsResources>> = {
  [TYPE_URLS.cluster]: 'clusters',
  [TYPE_URLS.endpoint]: 'endpoints',
  [TYPE_URLS.listener]: 'listeners',
  [TYPE_URLS.route]: 'routes',
};

/** A rejected response as the proxy reported it. */
export interface NackRecord {
  readonly version: string;
  readonly nonce: string;
  readonly message: string;
  readonly at: string;
}

/** Observable state of one type on one stream. */
export interface TypeStatus {
  /** `'*'` for a wildcard subscription. */
  readonly subscribed: '*' | readonly string[];
  /** Version of the last response sent ('' if none). */
  readonly sentVersion: string;
  /** Version the proxy last ACKed ('' if none): with a NACK pending, the one still in force at the proxy. */
  readonly ackedVersion: string;
  readonly lastNack: NackRecord | undefined;
}

interface TypeState {
  names: '*' | Set<string>;
  /** The subscription in the form resource-diff.ts selects with. */
  sub: Subscription;
  version: number;
  nonce: string;
  /** The selected resources as of the last push decision (what the proxy holds once it ACKs). */
  lastSelected: readonly XdsObject[] | undefined;
  acked: string;
  lastNack: NackRecord | undefined;
  legacyWildcard: boolean;
  /** Version of each resource as last sent, by name (a full response's shared versions, then this proxy's own). */
  sent: OverlayMap<string, string>;
  /** What the response with `nonce` set, for the ACK ledger (CDS/LDS responses replace the whole set). */
  inFlight: { changes: ReadonlyMap<string, string | null>; replace: boolean } | undefined;
}

const listVersions = new WeakMap<readonly XdsObject[], ReadonlyMap<string, string>>();

/**
 * Name -> version of every resource of a list, built once per list: the lists are shared and never changed
 * (resource-diff.ts), so a thousand proxies given one list share one map instead of a thousand copies of it.
 */
function versionsOf(list: readonly XdsObject[]): ReadonlyMap<string, string> {
  let versions = listVersions.get(list);
  if (!versions) {
    const built = new Map<string, string>();
    for (const r of list) built.set(resourceName(r), resourceVersion(r));
    listVersions.set(list, (versions = built));
  }
  return versions;
}

/** Types whose state-of-the-world responses need not repeat unchanged resources (xDS protocol). */
const PARTIAL_TYPES: ReadonlySet<string> = new Set([TYPE_URLS.endpoint, TYPE_URLS.route]);

/** Counters shared by all sessions of a server. */
export interface AdsCounters {
  responses: number;
  acks: number;
  nacks: number;
}

/** What a session needs from its server. */
export interface SessionDeps {
  /** The latest snapshot. */
  readonly snapshot: () => Snapshot;
  /** Writes one response on the stream. */
  readonly send: (response: DiscoveryResponse) => void;
  readonly counters: AdsCounters;
  /** Called once per NACK, for logs. */
  readonly onNack?: (nodeId: string, typeUrl: string, record: NackRecord) => void;
  /** Called with every ACK (convergence bookkeeping). */
  readonly onAck?: (typeUrl: string, nonce: string) => void;
}

/** Error for a stream whose first request carries no node (state of the world requires it). */
export class MissingNodeError extends Error {
  readonly code = 'MB0806';
  constructor() {
    super('the first DiscoveryRequest of a stream must carry node.id');
  }
}

/** The protocol state of one ADS stream. */
export class AdsSession {
  readonly protocol = 'sotw';
  /** Which version of each resource this proxy has ACKed. */
  readonly acked = new AckLedger();
  private node: XdsNodeInfo | undefined;
  private readonly types = new Map<string, TypeState>();
  private nonceCounter = 0;
  private cache: { snapshot: Snapshot; key: string; resources: XdsResources } | undefined;

  constructor(private readonly deps: SessionDeps) {}

  /** The node id, once the first request arrived. */
  get nodeId(): string | undefined {
    return this.node?.id;
  }

  /**
   * Handles one request: records ACK/NACK for the nonce it answers, updates the subscription, and responds when
   * the subscription changed. Requests answering a stale nonce are ignored (the xDS protocol's rule). Throws
   * {@link MissingNodeError} or `ProxyIdError` for a stream that cannot be served.
   */
  handle(req: DiscoveryRequest): void {
    if (!this.node) {
      if (!req.node?.id) throw new MissingNodeError();
      const node: XdsNodeInfo = {
        id: req.node.id,
        locality: req.node.locality ?? null,
        metadata: structToJson(req.node.metadata),
      };
      proxyFromNode(node); // validates the id now, so a bad node fails the stream on its first request
      this.node = node;
    }
    const typeUrl = req.type_url ?? '';
    if (!FIELD_OF[typeUrl]) return;
    const names = req.resource_names ?? [];
    let state = this.types.get(typeUrl);
    const first = state === undefined;
    if (!state) {
      state = {
        names: new Set(),
        sub: { names: new Set(), key: '' },
        version: 0,
        nonce: '',
        lastSelected: undefined,
        acked: '',
        lastNack: undefined,
        legacyWildcard: false,
        sent: new OverlayMap(),
        inFlight: undefined,
      };
      this.types.set(typeUrl, state);
    }
    // Only nonces this stream issued make a request a reply (ACK/NACK) or a stale one. The first request of a type
    // may carry a nonce from an earlier stream: the proxy reconnected (perhaps to a restarted server) and
    // resubscribes with what it holds; dropping it would leave the type subscribed to nothing.
    const nonce = first ? '' : (req.response_nonce ?? '');
    if (nonce !== '' && nonce !== state.nonce) return;
    if (nonce !== '') {
      if (req.error_detail) {
        // NACK: the proxy keeps its previous config; we record why and do not resend the same content.
        const record: NackRecord = {
          version: String(state.version),
          nonce,
          message: req.error_detail.message ?? '',
          at: new Date().toISOString(),
        };
        state.lastNack = record;
        this.deps.counters.nacks += 1;
        this.deps.onNack?.(this.node.id, typeUrl, record);
      } else {
        state.acked = req.version_info ?? '';
        if (state.inFlight)
          this.acked.apply(typeUrl, state.inFlight.changes, { replace: state.inFlight.replace, removals: false });
        state.inFlight = undefined;
        this.deps.counters.acks += 1;
        this.deps.onAck?.(typeUrl, nonce);
      }
    }
    // Wildcard: an explicit '*', or an empty list when the first request of the type was empty (legacy wildcard,
    // which Envoy keeps sending empty in its ACKs). Otherwise an empty list unsubscribes from everything.
    if (first) state.legacyWildcard = names.length === 0;
    else if (names.length > 0) state.legacyWildcard = false;
    const wildcard = names.includes('*') || (state.legacyWildcard && names.length === 0);
    const next: '*' | Set<string> = wildcard ? '*' : new Set(names);
    if (first || !sameNames(state.names, next)) {
      state.names = next;
      state.sub = next === '*' ? { wildcard: true } : { names: next, key: subscriptionKey(next) };
      // A dropped name is forgotten (the client discards it), so subscribing to it again sends it again.
      if (next !== '*') for (const n of [...state.sent.keys()]) if (!next.has(n)) state.sent.delete(n);
      // EDS/RDS: a changed subscription needs only the resources the client does not hold yet; CDS/LDS (and the
      // first request of a type) get the full set.
      this.sendType(typeUrl, state, first || !PARTIAL_TYPES.has(typeUrl));
    }
  }

  /** After a snapshot change: sends every subscribed type whose resources changed for this proxy. */
  push(): void {
    if (!this.node) return;
    for (const typeUrl of PUSH_ORDER) {
      const state = this.types.get(typeUrl);
      if (state) this.sendType(typeUrl, state, false);
    }
  }

  /** The resources of a type this proxy should hold now (the last selection decided for it). */
  current(typeUrl: string): readonly XdsObject[] | undefined {
    return this.types.get(typeUrl)?.lastSelected;
  }

  /** Per-type state for stats and debugging. */
  status(): Record<string, TypeStatus> {
    const out: Record<string, TypeStatus> = {};
    for (const [typeUrl, s] of this.types) {
      out[typeUrl] = {
        subscribed: s.names === '*' ? '*' : [...s.names].sort(),
        sentVersion: s.version === 0 ? '' : String(s.version),
        ackedVersion: s.acked,
        lastNack: s.lastNack,
      };
    }
    return out;
  }

  private resources(): XdsResources {
    const snapshot = this.deps.snapshot();
    const lds = this.types.get(TYPE_URLS.listener);
    const listenerNames = lds && lds.names !== '*' ? [...lds.names].sort() : [];
    const key = listenerNames.join('\n');
    if (this.cache?.snapshot === snapshot && this.cache.key === key) return this.cache.resources;
    const proxy: Proxy = proxyFromNode(this.node as XdsNodeInfo, snapshot);
    const resources = translate(snapshot, proxy, { listenerNames });
    this.cache = { snapshot, key, resources };
    return resources;
  }

  /**
   * Sends one type when the proxy's selection changed (always when `force`). EDS and RDS responses carry only the
   * resources that changed (state-of-the-world clients keep the other named ones); CDS and LDS carry the full set.
   */
  private sendType(typeUrl: string, state: TypeState, force: boolean): void {
    const all = this.resources()[FIELD_OF[typeUrl] as keyof XdsResources];
    const selected = selectResources(all, state.sub);
    const diff = diffResources(state.lastSelected, selected);
    state.lastSelected = selected;
    if (!force && diff.changed.length === 0 && diff.removed.length === 0) return;
    const partial = !force && PARTIAL_TYPES.has(typeUrl);
    let out: readonly XdsObject[] = selected;
    let changes: ReadonlyMap<string, string>;
    if (partial) {
      // A change to one service costs one assignment per proxy, not all of them.
      out = diff.changed.filter((r) => state.sent.get(resourceName(r)) !== resourceVersion(r));
      if (out.length === 0) return;
      const own = new Map<string, string>();
      for (const r of out) own.set(resourceName(r), resourceVersion(r));
      for (const [name, version] of own) state.sent.set(name, version);
      changes = own;
    } else {
      // The full set: its versions are one map shared by every proxy sent the same list (overlay-map.ts).
      changes = versionsOf(selected);
      state.sent = new OverlayMap(changes);
    }
    state.inFlight = { changes, replace: !partial };
    state.version += 1;
    state.nonce = String(++this.nonceCounter);
    this.deps.counters.responses += 1;
    this.deps.send({
      version_info: String(state.version),
      resources: out.map((r) => encodeAny(typeUrl, r)),
      type_url: typeUrl,
      nonce: state.nonce,
    });
  }
}

function sameNames(a: '*' | Set<string>, b: '*' | Set<string>): boolean {
  if (a === '*' || b === '*') return a === b;
  return a.size === b.size && [...a].every((n) => b.has(n));
}
