/**
 * A map made of a shared, read-only base and this owner's own changes on top. Every proxy that connects gets the
 * same first set of resources, so each one's record of what it holds (delta-session.ts `known`) and of what it
 * ACKed (ack-ledger.ts) starts as that one shared map; only what changes later is its own. A thousand proxies x two
 * thousand resources are then one map, not two million entries for the garbage collector to walk.
 *
 * Reads look at the changes first. When the changes outgrow half the base, they are folded into a private copy
 * (amortised O(1) per write), so lookups never chase a long chain.
 */
export class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  private base: ReadonlyMap<K, V>;
  /** This owner's changes: a value, or `undefined` for a key deleted from the base. */
  private changes = new Map<K, V | undefined>();
  private count: number;

  constructor(base: ReadonlyMap<K, V> = new Map<K, V>()) {
    this.base = base;
    this.count = base.size;
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    return this.changes.has(key) ? this.changes.get(key) : this.base.get(key);
  }

  has(key: K): boolean {
    return this.changes.has(key) ? this.changes.get(key) !== undefined : this.base.has(key);
  }

  set(key: K, value: V): this {
    if (!this.has(key)) this.count++;
    this.changes.set(key, value);
    this.fold();
    return this;
  }

  delete(key: K): boolean {
    if (!this.has(key)) return false;
    this.count--;
    if (this.base.has(key)) this.changes.set(key, undefined);
    else this.changes.delete(key);
    this.fold();
    return true;
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) if (!this.changes.has(key)) yield [key, value];
    for (const [key, value] of this.changes) if (value !== undefined) yield [key, value];
  }

  /** Folds the changes into a private copy once they are no longer small beside the base. */
  private fold(): void {
    if (this.changes.size <= 16 || this.changes.size * 2 < this.base.size) return;
    this.base = new Map(this.entries());
    this.changes = new Map();
  }
}
