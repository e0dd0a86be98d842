/**
 * Pure planning of Event writes, as the Kubernetes event recorder and the apiserver's event TTL do it:
 *
 * - **Aggregation.** An event equal to one already stored for the same object (same involved object uid, type,
 *   reason, message and reporting component) is not stored again: the stored one's `count` grows and its
 *   `lastTimestamp` moves. A crash-looping container thus keeps one BackOff event, counting.
 * - **Retention.** Events whose last occurrence is older than the TTL (one hour, the apiserver's `--event-ttl`
 *   default) are deleted, and a namespace keeps at most `maxPerNamespace` events (oldest last occurrence first to
 *   go): a noisy pod cannot grow the store without limit.
 */
import { randomBytes } from 'node:crypto';
import type { StoredObject } from '../store/types.js';

/** The apiserver's default `--event-ttl`. */
export const EVENT_TTL_MS = 60 * 60 * 1000;
/** Events one namespace keeps at most. */
export const MAX_EVENTS_PER_NAMESPACE = 500;
/** Longest message stored (longer ones are cut, as Kubernetes' recorder does at 1 KiB). */
export const MAX_EVENT_MESSAGE = 1024;

/** What happened, to what, reported by whom. */
export interface EventInput {
  /** The object the event is about (its kind, namespace, name, uid, apiVersion; `fieldPath` for a container). */
  readonly regarding: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
    readonly uid?: string;
    readonly fieldPath?: string;
  };
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** Reporting component (`kubelet`, `deployment-controller`, `default-scheduler`...). */
  readonly component: string;
  /** Reporting host (the node name), if any. */
  readonly host?: string;
}

/** Writes to make: at most one create or update, and deletions by name. */
export interface EventPlan {
  readonly create?: StoredObject;
  readonly update?: StoredObject;
  readonly delete: readonly string[];
}

/** Options of `planEvent`. */
export interface PlanEventOptions {
  /** Events stored in the namespace of the involved object. */
  readonly existing: readonly StoredObject[];
  readonly input: EventInput;
  /** Current time (ms since the epoch). */
  readonly now: number;
  readonly ttlMs?: number;
  readonly maxPerNamespace?: number;
  /** Name suffix source (tests pass a fixed one). */
  readonly suffix?: () => string;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** When an event last occurred (ms), from `lastTimestamp`, else `eventTime`, else its creation. */
export function lastSeen(event: StoredObject): number {
  for (const v of [event.lastTimestamp, event.eventTime, event.metadata.creationTimestamp]) {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isNaN(t)) return t;
  }
  return 0;
}

function sameEvent(e: StoredObject, input: EventInput, message: string): boolean {
  const involved = rec(e.involvedObject);
  return (
    involved.uid === (input.regarding.uid ?? '') &&
    involved.name === input.regarding.name &&
    involved.kind === input.regarding.kind &&
    (involved.fieldPath ?? '') === (input.regarding.fieldPath ?? '') &&
    e.type === input.type &&
    e.reason === input.reason &&
    e.message === message &&
    rec(e.source).component === input.component
  );
}

/** Pure: the writes that record `input` among `existing` events, with aggregation and retention. */
export function planEvent(options: PlanEventOptions): EventPlan {
  const { input, now } = options;
  const ttl = options.ttlMs ?? EVENT_TTL_MS;
  const cap = options.maxPerNamespace ?? MAX_EVENTS_PER_NAMESPACE;
  const message = input.message.length > MAX_EVENT_MESSAGE ? input.message.slice(0, MAX_EVENT_MESSAGE) : input.message;
  const live = options.existing.filter((e) => now - lastSeen(e) <= ttl);
  const expired = options.existing.filter((e) => now - lastSeen(e) > ttl).map((e) => e.metadata.name);
  const match = live.find((e) => sameEvent(e, input, message));
  if (match) {
    const count = (typeof match.count === 'number' ? match.count : 1) + 1;
    return { update: { ...match, count, lastTimestamp: stamp(now) }, delete: expired };
  }
  // Room for the new one: the oldest live events beyond the cap go.
  const overflow = live.length + 1 - cap;
  const evicted =
    overflow > 0
      ? [...live]
          .sort((a, b) => lastSeen(a) - lastSeen(b) || a.metadata.name.localeCompare(b.metadata.name))
          .slice(0, overflow)
          .map((e) => e.metadata.name)
      : [];
  const suffix = options.suffix ?? (() => randomBytes(8).toString('hex'));
  const r = input.regarding;
  const create: StoredObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${r.name}.${suffix()}`, namespace: r.namespace ?? 'default' },
    involvedObject: {
      apiVersion: r.apiVersion,
      kind: r.kind,
      name: r.name,
      ...(r.namespace ? { namespace: r.namespace } : {}),
      uid: r.uid ?? '',
      ...(r.fieldPath ? { fieldPath: r.fieldPath } : {}),
    },
    type: input.type,
    reason: input.reason,
    message,
    source: { component: input.component, ...(input.host ? { host: input.host } : {}) },
    firstTimestamp: stamp(now),
    lastTimestamp: stamp(now),
    count: 1,
    reportingComponent: input.component,
    reportingInstance: input.host ?? '',
  };
  return { create, delete: [...expired, ...evicted] };
}
