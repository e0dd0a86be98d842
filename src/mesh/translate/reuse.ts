/**
 * Memoization for translation, so most of the work per change (encoding, hashing, sending) follows what changed:
 * a resource whose inputs (its fingerprint) did not change is returned as the very same object as before, and
 * the encoding and hashing caches downstream (keyed by object identity) then skip it. Two generations are kept:
 * entries used while translating one snapshot survive into the next; unused ones are dropped.
 *
 * This does not make translation impure: the fingerprint must contain every input of the built object.
 * What remains linear in the number of services per change: rebuilding the snapshot and fingerprinting every
 * service port (measured by bench/control-plane.ts).
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
