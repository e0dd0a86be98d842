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

/** A recorder writing Events into the cluster's store. */
export function eventRecorder(options: EventRecorderOptions): EventSink {
  const { store } = options;
  return {
    record(input) {
      try {
        store.transaction((w) => {
          const namespace = input.regarding.namespace ?? 'default';
          // A namespace being deleted takes its events along; recording into a missing one would recreate nothing.
          if (!w.get({ group: '', plural: 'namespaces' }, undefined, namespace)) return;
          const plan = planEvent({
            existing: w.list(EVENTS, namespace),
            input,
            now: Date.now(),
            ttlMs: options.ttlMs,
            maxPerNamespace: options.maxPerNamespace,
          });
          for (const name of plan.delete) if (w.get(EVENTS, namespace, name)) w.delete(EVENTS, namespace, name);
          if (plan.update) w.update(EVENTS, plan.update);
          if (plan.create) w.create(EVENTS, plan.create);
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
