/**
 * Small helpers over stored objects shared by the API server and the controllers: storage/served apiVersion,
 * the storage reference of a kind, and "did the spec change" (which bumps `metadata.generation`).
 */
import { apiVersionOf, type KindInfo } from '../../api/index.js';
import { canonicalJson } from '../../api/canonical-json.js';
import type { ResourceRef, StoredObject } from '../store/types.js';
import { EVENTS_V1_KIND, toEventsV1 } from './events-v1.js';

/** Storage reference of a kind (group + plural); `events.k8s.io` Events are the core Events. */
export function refOf(kind: KindInfo): ResourceRef {
  if (kind === EVENTS_V1_KIND) return { group: '', plural: 'events' };
  return { group: kind.group, plural: kind.plural };
}

/** The apiVersion objects of a kind are stored under (its first, preferred version). */
export function storageApiVersion(kind: KindInfo): string {
  return apiVersionOf(kind.group, kind.versions[0] ?? 'v1');
}

/**
 * The object as served at `version`. The versions of one kind served here share one schema (Istio's v1, v1beta1
 * and v1alpha3 are field-identical), so conversion is only the apiVersion string; `events.k8s.io/v1` Events are
 * converted from the core shape (events-v1.ts).
 */
export function asVersion(kind: KindInfo, version: string, obj: StoredObject): StoredObject {
  if (kind === EVENTS_V1_KIND) return toEventsV1(obj);
  return { ...obj, apiVersion: apiVersionOf(kind.group, version), kind: kind.kind };
}

/** Everything but metadata and status: a change here is a new generation. */
export function specOf(obj: StoredObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return canonicalJson(rest);
}

/** RFC 3339 timestamp at second precision, as Kubernetes writes them. */
export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
