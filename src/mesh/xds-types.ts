/**
 * The JSON shape of translation output. Resources are plain objects in the protobuf object form
 * protobufjs reads (snake_case field names, `{seconds, nanos}` durations, `{value}` wrappers, `{fields: {k: {stringValue}}}` structs,
 * nested `google.protobuf.Any` as `{'@type': <type url>, ...fields}`), so golden files show exactly what is sent.
 * The type URLs and the Any codec are contract C's, in src/xds.
 */
import type { XdsObject } from '../xds/index.js';
import { durationToMs } from '../api/duration.js';

export type { XdsObject };

/** The per-proxy output of translation, one list per xDS type, each sorted by resource name. */
export interface XdsResources {
  readonly clusters: readonly XdsObject[];
  readonly endpoints: readonly XdsObject[];
  readonly routes: readonly XdsObject[];
  readonly listeners: readonly XdsObject[];
}

/** The name of a resource as xDS identifies it (`cluster_name` for a ClusterLoadAssignment, else `name`). */
export function resourceName(r: XdsObject): string {
  const name = r['cluster_name'] ?? r['name'];
  return typeof name === 'string' ? name : '';
}

/** A protobuf Duration in object form from milliseconds. */
export function duration(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/**
 * A `google.protobuf.Struct` in object form from flat string fields. `stringValue` is camelCase on purpose:
 * protobufjs bundles the well-known types with camelCase field names whatever `keepCase` says, and drops a
 * `string_value` key silently (the encoder's field check now refuses it).
 */
export function stringStruct(fields: Readonly<Record<string, string>>): XdsObject {
  return { fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { stringValue: v }])) };
}

/** Error for a duration string Istio would not accept either (e.g. `10 s`). */
export class DurationError extends Error {
  readonly code = 'MB0804';
  constructor(readonly text: string) {
    super(`${JSON.stringify(text)} is not a duration such as 10s, 1.5s, 100ms, 1m or 1h`);
  }
}

/** Parses an Istio/Go duration (`10s`, `1.5s`, `100ms`, `1m`, `1h`) into milliseconds; throws {@link DurationError}. */
export function parseDurationMs(text: string): number {
  const ms = durationToMs(text);
  if (ms === undefined) throw new DurationError(text);
  return ms;
}
