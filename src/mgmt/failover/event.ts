/**
 * Failover events as the management plane stores them: what a proxy's flight recorder serves at
 * `/failover/events` (src/dataplane/recorder), checked field by field on the way in (a proxy is another process:
 * its answer is input like any other), with the proxy's identity attached.
 */

/** Event kinds a proxy records (see src/dataplane/recorder/flight-recorder.ts). */
export const EVENT_KINDS = [
  'ejection',
  'return',
  'priority-shift',
  'panic-entered',
  'panic-left',
  'served-remote',
  'failback',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The proxy that recorded an event. */
export interface EventSource {
  readonly cluster: string;
  readonly namespace: string;
  readonly pod: string;
  readonly workload: string;
}

/** The key of a proxy in the store: `cluster/namespace/pod`. */
export const failoverSourceKey = (s: EventSource): string => `${s.cluster}/${s.namespace}/${s.pod}`;

/** One stored event. `service` is the upstream's FQDN (`details.bookinfo.svc.cluster.local`). */
export interface StoredEvent {
  readonly source: EventSource;
  readonly boot: string;
  readonly seq: number;
  readonly atMs: number;
  readonly kind: EventKind;
  readonly upstream: string;
  readonly service: string;
  readonly priority?: number;
  readonly locality?: string;
  readonly from?: string;
  readonly to?: string;
  readonly loadBefore?: readonly number[];
  readonly loadAfter?: readonly number[];
  readonly failed: number;
  readonly answered: number;
}

/** A page pulled from one proxy. */
export interface PulledPage {
  readonly source: EventSource;
  readonly boot: string;
  readonly last: number;
  readonly lost: number;
  readonly events: readonly StoredEvent[];
}

/** A proxy's answer that is not a valid page; `path` names the field. */
export class EventPageError extends Error {
  readonly code = 'MB9203' as const;
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`[MB9203] ${path}: ${message}`);
    this.name = 'EventPageError';
  }
}

/** Most events one page may carry (the proxy's own cap). */
export const MAX_PAGE_EVENTS = 1000;
const NAME = /^[A-Za-z0-9][-A-Za-z0-9_.|/:]{0,252}$/;

/** The service FQDN of an xDS cluster name `outbound|9080||details.bookinfo.svc.cluster.local`. */
export const serviceOfUpstream = (upstream: string): string => upstream.split('|')[3] || upstream;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function name(o: Obj, key: string, path: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !NAME.test(v)) throw new EventPageError(`${path}.${key}`, 'expected a name');
  return v;
}

function count(o: Obj, key: string, path: string, optional = false): number | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new EventPageError(`${path}.${key}`, 'expected a non-negative integer');
  }
  return v;
}

function load(o: Obj, key: string, path: string): number[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 64 || !v.every((x) => Number.isInteger(x) && x >= 0 && x <= 100)) {
    throw new EventPageError(`${path}.${key}`, 'expected at most 64 percentages');
  }
  return v as number[];
}

function event(v: unknown, path: string, source: EventSource, boot: string): StoredEvent {
  if (!isObj(v)) throw new EventPageError(path, 'expected an object');
  const kind = v.kind;
  if (typeof kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(kind)) {
    throw new EventPageError(`${path}.kind`, `expected one of ${EVENT_KINDS.join(', ')}`);
  }
  const upstream = name(v, 'upstream', path)!;
  const optional = {
    priority: count(v, 'priority', path, true),
    locality: typeof v.locality === 'string' && v.locality.length <= 253 ? v.locality : undefined,
    from: name(v, 'from', path, true),
    to: name(v, 'to', path, true),
    loadBefore: load(v, 'loadBefore', path),
    loadAfter: load(v, 'loadAfter', path),
  };
  return {
    source,
    boot,
    seq: count(v, 'seq', path)!,
    atMs: count(v, 'atMs', path)!,
    kind: kind as EventKind,
    upstream,
    service: serviceOfUpstream(upstream),
    ...Object.fromEntries(Object.entries(optional).filter(([, x]) => x !== undefined)),
    failed: count(v, 'failed', path)!,
    answered: count(v, 'answered', path)!,
  };
}

/** Checks a proxy's `/failover/events` answer; throws EventPageError naming the first bad field. */
export function parsePage(body: unknown): PulledPage {
  if (!isObj(body)) throw new EventPageError('$', 'expected an object');
  const s = body.source;
  if (!isObj(s)) throw new EventPageError('$.source', 'expected an object');
  const source: EventSource = {
    cluster: name(s, 'cluster', '$.source')!,
    namespace: name(s, 'namespace', '$.source')!,
    pod: name(s, 'pod', '$.source')!,
    workload: name(s, 'workload', '$.source')!,
  };
  const boot = name(body, 'boot', '$')!;
  if (!Array.isArray(body.events) || body.events.length > MAX_PAGE_EVENTS) {
    throw new EventPageError('$.events', `expected at most ${MAX_PAGE_EVENTS} events`);
  }
  return {
    source,
    boot,
    last: count(body, 'last', '$')!,
    lost: count(body, 'lost', '$')!,
    events: body.events.map((e, i) => event(e, `$.events[${i}]`, source, boot)),
  };
}
