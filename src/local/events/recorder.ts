/**
 * The event recorder of an embedded cluster: controllers and the pod runner call `record` and the Event lands in
 * the store (planned by plan.ts: aggregated repeats, one-hour TTL, a per-namespace cap), in one transaction. An
 * event is a side note: a failure to record one is reported to `onError` and never fails the caller.
 */
import type { ClusterStore } from '../store/cluster-store.js';
import type { ResourceRef, StoredObject } from '../store/types.js';
import { planEvent, type EventInput } from './plan.js';

/** Storage of core `v1` Events (the `events.k8s.io/v1` view is served from the same objects). */
export const EVENTS: ResourceRef = { group: '', plural: 'events' };

/** Something that records events. */
export interface EventSink {
  record(input: EventInput): void;
}

/** Options of the store-backed recorder. */
export interface EventRecorderOptions {
  readonly store: ClusterStore;
  readonly ttlMs?: number;
  readonly maxPerNamespace?: number;
  readonly onError?: (err: unknown) => void;
}

/** The identity of an event for aggregation (what plan.ts compares). */
function eventKey(input: EventInput): string {
  const r = input.regarding;
  return JSON.stringify([
    r.namespace ?? 'default',
    r.uid ?? '',
    r.kind,
    r.name,
    r.fieldPath ?? '',
    input.type,
    input.reason,
    input.message,
    input.component,
  ]);
}

/** Most aggregation keys remembered (beyond that the oldest are forgotten and found again by listing). */
const MAX_REMEMBERED = 5000;

/**
 * A recorder writing Events into the cluster's store. A repeat (a probe failing every second, a crash loop) reads
 * and updates only its own stored event, which it remembers by aggregation key; only a new event lists the
 * namespace's events, to aggregate, expire and evict (plan.ts).
 */
export function eventRecorder(options: EventRecorderOptions): EventSink {
  const { store } = options;
  const remembered = new Map<string, string>();
  return {
    record(input) {
      const key = eventKey(input);
      const namespace = input.regarding.namespace ?? 'default';
      try {
        store.transaction((w) => {
          // A namespace being deleted takes its events along; recording into a missing one would recreate nothing.
          if (!w.get({ group: '', plural: 'namespaces' }, undefined, namespace)) return;
          const plan = (existing: StoredObject[]) =>
            planEvent({
              existing,
              input,
              now: Date.now(),
              ttlMs: options.ttlMs,
              maxPerNamespace: options.maxPerNamespace,
            });
          const known = remembered.get(key);
          const current = known ? w.get(EVENTS, namespace, known) : undefined;
          const repeat = current ? plan([current]) : undefined;
          if (repeat?.update && repeat.delete.length === 0) {
            w.update(EVENTS, repeat.update);
            return;
          }
          const full = plan(w.list(EVENTS, namespace));
          for (const name of full.delete) if (w.get(EVENTS, namespace, name)) w.delete(EVENTS, namespace, name);
          if (full.update) w.update(EVENTS, full.update);
          if (full.create) w.create(EVENTS, full.create);
          const name = (full.update ?? full.create)?.metadata.name;
          if (name) {
            remembered.delete(key);
            remembered.set(key, name);
            if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
          }
        });
      } catch (err) {
        (options.onError ?? ((e) => process.stderr.write(`events: ${String(e)}\n`)))(err);
      }
    },
  };
}

/** The `regarding` of an event about a stored object (a container of a pod when `container` is given). */
export function regardingOf(obj: StoredObject, container?: string): EventInput['regarding'] {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
  };
}

/** A sink that drops every event (clusters and tests that do not record). */
export const noEvents: EventSink = { record: () => undefined };
