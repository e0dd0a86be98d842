/**
 * Memoization for translation, so most of the work per change (encoding, hashing, sending) follows what changed:
 * a resource whose inputs (its fingerprint) did not change is returned as the very same object as before, and
 * the encoding and hashing caches downstream (keyed by object identity) then skip it. Two generations are kept:
 * entries used while translating one snapshot survive into the next; unused ones are dropped.
 *
 * This does not make translation impure: the fingerprint must contain every input of the built object.
 * Lists are kept stable too (`stableList`, `stableConcat`), so the ADS server can skip an unchanged proxy by
 * identity. What remains linear in the number of services per change: rebuilding the snapshot and one reuse
 * lookup per service port per proxy group (measured by bench/control-plane.ts).
 */
import type { Snapshot } from '../snapshot.js';

let generationOf: Snapshot | undefined;
let current = new Map<string, unknown>();
let previous = new Map<string, unknown>();

/** Starts a new generation when translation moves to another snapshot. */
export function enterSnapshot(snapshot: Snapshot): void {
  if (snapshot === generationOf) return;
  generationOf = snapshot;
  previous = current;
  current = new Map();
}

/** The object built for `fingerprint` before (this or the previous generation), or a newly built one. */
export function reuse<T>(fingerprint: string, build: () => T): T {
  if (current.has(fingerprint)) return current.get(fingerprint) as T;
  const value = previous.has(fingerprint) ? (previous.get(fingerprint) as T) : build();
  current.set(fingerprint, value);
  return value;
}

/**
 * `list`, or the array returned for `key` before (this or the previous generation) when it holds the very same
 * objects in the same order. A stable array lets the ADS server see "nothing changed for this proxy" by identity,
 * in O(1) per proxy, instead of comparing every resource of every proxy after each change. `key` only chooses
 * which earlier array to compare with: a collision costs a miss, never a wrong result.
 */
export function stableList<T>(key: string, list: readonly T[]): readonly T[] {
  const before = (current.get(key) ?? previous.get(key)) as readonly T[] | undefined;
  const same = before !== undefined && before.length === list.length && before.every((x, i) => x === list[i]);
  const result = same ? before : Object.freeze([...list]);
  current.set(key, result);
  return result;
}

const concatenations = new WeakMap<readonly unknown[], { shared: readonly unknown[]; own: readonly unknown[] }>();

/**
 * A per-proxy list made of a shared list and a few own items (`build` combines them): the array returned for
 * `key` before when `shared` is the same array and `own` the same objects, else a new one. Costs O(own) per
 * proxy, not O(shared): the shared part is compared once per group by {@link stableList}. With nothing of its own
 * (a proxy without inbound ports) the result is the shared list itself, so everything keyed by a list's identity
 * downstream (diffs, first responses and their encoded bytes) is shared with the group. {@link partsOf} tells
 * the server what a combined list was made of.
 */
export function stableConcat<T>(key: string, shared: readonly T[], own: readonly T[], build: () => T[]): readonly T[] {
  if (own.length === 0) return shared;
  type Entry = { shared: readonly T[]; own: readonly T[]; result: readonly T[] };
  const before = (current.get(key) ?? previous.get(key)) as Entry | undefined;
  if (
    before &&
    before.shared === shared &&
    before.own.length === own.length &&
    before.own.every((x, i) => x === own[i])
  ) {
    current.set(key, before);
    return before.result;
  }
  const entry: Entry = { shared, own: Object.freeze([...own]), result: Object.freeze(build()) };
  concatenations.set(entry.result, { shared, own: entry.own });
  current.set(key, entry);
  return entry.result;
}

/**
 * The shared list and own items a {@link stableConcat} result holds (the same elements, in another order), or
 * undefined for any other list.
 */
export function partsOf<T>(list: readonly T[]): { shared: readonly T[]; own: readonly T[] } | undefined {
  return concatenations.get(list) as { shared: readonly T[]; own: readonly T[] } | undefined;
}

const fingerprints = new WeakMap<object, string>();

/** `JSON.stringify(o)`, computed once per object (inputs are immutable within a snapshot). */
export function fingerprintOf(o: object): string {
  let f = fingerprints.get(o);
  if (f === undefined) {
    f = JSON.stringify(o);
    fingerprints.set(o, f);
  }
  return f;
}
