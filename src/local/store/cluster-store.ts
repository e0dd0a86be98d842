/**
 * One embedded cluster's object store: SQLite (better-sqlite3, synchronous), objects kept as JSON, one
 * monotonically increasing resourceVersion counter for the whole cluster (like etcd's revision), and a bounded
 * change log so a watch can resume from a version. Writes happen in transactions; listeners hear about changes only
 * after the commit, asynchronously, so a listener can never observe (or re-enter) a half-done write.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { StoreError } from './errors.js';
import { resourceKey, type Change, type ChangeType, type ResourceRef, type StoredObject } from './types.js';

/** Options of a store; frozen at construction. */
export interface ClusterStoreOptions {
  /** SQLite file (`:memory:` for a throwaway store). */
  readonly file: string;
  /** How many changes the log keeps for resuming watches (default 10000). Older versions get `Expired`. */
  readonly changeLogSize?: number;
}

/** A listener of committed changes (called asynchronously, in commit order). */
export type ChangeListener = (change: Change) => void;

/** Writes available inside a transaction. Each write takes the next resourceVersion. */
export interface StoreWriter {
  /** Inserts a new object; sets uid, creationTimestamp, generation 1 and resourceVersion. AlreadyExists if taken. */
  create(ref: ResourceRef, obj: StoredObject): StoredObject;
  /**
   * Replaces an existing object. When `obj.metadata.resourceVersion` is set it must equal the stored one (else
   * Conflict). uid and creationTimestamp are kept from the stored object. NotFound if absent.
   */
  update(ref: ResourceRef, obj: StoredObject): StoredObject;
  /** Removes an object and returns its last state (with the deletion's resourceVersion). NotFound if absent. */
  delete(ref: ResourceRef, namespace: string | undefined, name: string): StoredObject;
  get(ref: ResourceRef, namespace: string | undefined, name: string): StoredObject | undefined;
  list(ref: ResourceRef, namespace?: string): StoredObject[];
}

interface Row {
  body: string;
}

/** The store of one cluster. Not safe across processes: exactly one cluster process owns the file. */
export class ClusterStore {
  private readonly db: Database.Database;
  private readonly logSize: number;
  private readonly listeners = new Set<ChangeListener>();
  private pending: Change[] = [];
  private inTx = false;
  /** Prepared statements by SQL text: preparing parses the SQL, which cost more than most reads and writes. */
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * How far the change log was compacted, as last read or written: every write asked. Forgotten when a transaction
   * rolls back. Another writer of the file could only have compacted less far than a write here then asks for
   * (its cutoff is older than our newest version), so a stale value never moves the mark backwards.
   */
  private compacted: number | undefined;
  /** The version of the last write to each resource since this store was opened (by `resourceKey`). */
  private readonly resourceVersions = new Map<string, number>();

  constructor(options: ClusterStoreOptions) {
    this.logSize = options.changeLogSize ?? 10000;
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects (
        res TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (res, ns, name));
      CREATE TABLE IF NOT EXISTS changes (
        rv INTEGER PRIMARY KEY, res TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('rv', 0), ('compacted', 0);
    `);
  }

  /** The prepared statement of `sql`, prepared once. */
  private statement<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st as unknown as Database.Statement<P, R>;
  }

  /** The latest committed resourceVersion (0 for an empty store). */
  currentVersion(): number {
    return this.metaValue('rv');
  }

  /**
   * A version that changes whenever an object of `ref` is written, for caches of what a resource holds (the
   * authorizer's RBAC policy, the kinds CRDs define): 0 until a write since the store was opened, then the version
   * of the last one. Not a resourceVersion clients may see.
   */
  resourceVersion(ref: ResourceRef): number {
    return this.resourceVersions.get(resourceKey(ref)) ?? 0;
  }

  /** The oldest version a watch may resume from; anything older has been compacted away. */
  oldestResumableVersion(): number {
    return this.metaValue('compacted');
  }

  get(ref: ResourceRef, namespace: string | undefined, name: string): StoredObject | undefined {
    const row = this.statement<[string, string, string], Row>(
      'SELECT body FROM objects WHERE res = ? AND ns = ? AND name = ?',
    ).get(resourceKey(ref), namespace ?? '', name);
    return row ? (JSON.parse(row.body) as StoredObject) : undefined;
  }

  /** Objects of a kind, in one namespace or (namespace undefined) all, sorted by namespace then name. */
  list(ref: ResourceRef, namespace?: string): StoredObject[] {
    const rows =
      namespace === undefined
        ? this.statement<[string], Row>('SELECT body FROM objects WHERE res = ? ORDER BY ns, name').all(
            resourceKey(ref),
          )
        : this.statement<[string, string], Row>('SELECT body FROM objects WHERE res = ? AND ns = ? ORDER BY name').all(
            resourceKey(ref),
            namespace,
          );
    return rows.map((r) => JSON.parse(r.body) as StoredObject);
  }

  /**
   * Changes after `version` (exclusive), oldest first, optionally of one resource. Throws StoreError `Expired` when
   * changes after `version` were already compacted away (the caller must relist).
   */
  changesSince(version: number, ref?: ResourceRef): Change[] {
    if (version < this.oldestResumableVersion()) {
      throw new StoreError('Expired', `too old resource version: ${version} (${this.oldestResumableVersion()})`);
    }
    const rows = this.statement<[number], { rv: number; res: string; type: ChangeType; body: string }>(
      'SELECT rv, res, type, body FROM changes WHERE rv > ? ORDER BY rv',
    ).all(version);
    const key = ref ? resourceKey(ref) : undefined;
    return rows
      .filter((r) => key === undefined || r.res === key)
      .map((r) => {
        const slash = r.res.indexOf('/');
        return {
          resourceVersion: r.rv,
          type: r.type,
          resource: { group: r.res.slice(0, slash), plural: r.res.slice(slash + 1) },
          object: JSON.parse(r.body) as StoredObject,
        };
      });
  }

  /**
   * Runs `fn` in one SQLite transaction: either every write commits or none does (a thrown error rolls back and
   * is rethrown). Listeners hear the committed changes afterwards.
   */
  transaction<T>(fn: (w: StoreWriter) => T): T {
    if (this.inTx) return fn(this.writer);
    this.inTx = true;
    this.pending = [];
    try {
      const result = this.db.transaction(() => fn(this.writer))();
      const committed = this.pending;
      this.pending = [];
      this.emit(committed);
      return result;
    } catch (err) {
      this.pending = [];
      // SQLite undid the meta writes; the versions of resources keep their (newer) values, which only costs a
      // cache a refill.
      this.compacted = undefined;
      throw err;
    } finally {
      this.inTx = false;
    }
  }

  create(ref: ResourceRef, obj: StoredObject): StoredObject {
    return this.transaction((w) => w.create(ref, obj));
  }

  update(ref: ResourceRef, obj: StoredObject): StoredObject {
    return this.transaction((w) => w.update(ref, obj));
  }

  delete(ref: ResourceRef, namespace: string | undefined, name: string): StoredObject {
    return this.transaction((w) => w.delete(ref, namespace, name));
  }

  /** Registers a listener of committed changes; returns the function that removes it. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.db.close();
  }

  private readonly writer: StoreWriter = {
    get: (ref, ns, name) => this.get(ref, ns, name),
    list: (ref, ns) => this.list(ref, ns),
    create: (ref, obj) => {
      const ns = obj.metadata.namespace ?? '';
      if (this.get(ref, ns, obj.metadata.name)) {
        throw new StoreError('AlreadyExists', `${ref.plural} "${obj.metadata.name}" already exists`);
      }
      const rv = this.nextVersion();
      const stored: StoredObject = {
        ...obj,
        metadata: {
          ...obj.metadata,
          uid: obj.metadata.uid ?? randomUUID(),
          creationTimestamp: obj.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          generation: obj.metadata.generation ?? 1,
          resourceVersion: String(rv),
        },
      };
      this.write(ref, ns, stored, rv, 'ADDED');
      return stored;
    },
    update: (ref, obj) => {
      const ns = obj.metadata.namespace ?? '';
      const current = this.get(ref, ns, obj.metadata.name);
      if (!current) throw new StoreError('NotFound', `${ref.plural} "${obj.metadata.name}" not found`);
      const expected = obj.metadata.resourceVersion;
      if (expected !== undefined && expected !== '' && expected !== current.metadata.resourceVersion) {
        throw new StoreError(
          'Conflict',
          `Operation cannot be fulfilled on ${ref.plural} "${obj.metadata.name}": the object has been modified; ` +
            'please apply your changes to the latest version and try again',
        );
      }
      const rv = this.nextVersion();
      const stored: StoredObject = {
        ...obj,
        metadata: {
          ...obj.metadata,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
          resourceVersion: String(rv),
        },
      };
      this.write(ref, ns, stored, rv, 'MODIFIED');
      return stored;
    },
    delete: (ref, namespace, name) => {
      const ns = namespace ?? '';
      const current = this.get(ref, ns, name);
      if (!current) throw new StoreError('NotFound', `${ref.plural} "${name}" not found`);
      const rv = this.nextVersion();
      const last: StoredObject = { ...current, metadata: { ...current.metadata, resourceVersion: String(rv) } };
      this.statement('DELETE FROM objects WHERE res = ? AND ns = ? AND name = ?').run(resourceKey(ref), ns, name);
      this.log(ref, last, rv, 'DELETED');
      return last;
    },
  };

  private write(ref: ResourceRef, ns: string, obj: StoredObject, rv: number, type: ChangeType): void {
    this.statement('INSERT OR REPLACE INTO objects (res, ns, name, rv, body) VALUES (?, ?, ?, ?, ?)').run(
      resourceKey(ref),
      ns,
      obj.metadata.name,
      rv,
      JSON.stringify(obj),
    );
    this.log(ref, obj, rv, type);
  }

  private log(ref: ResourceRef, obj: StoredObject, rv: number, type: ChangeType): void {
    this.statement('INSERT INTO changes (rv, res, type, body) VALUES (?, ?, ?, ?)').run(
      rv,
      resourceKey(ref),
      type,
      JSON.stringify(obj),
    );
    // Every write and delete passes here: the one place a resource's version moves.
    this.resourceVersions.set(resourceKey(ref), rv);
    const cutoff = rv - this.logSize;
    this.compacted ??= this.metaValue('compacted');
    if (cutoff > this.compacted) {
      // Bounded log: drop the oldest changes and remember how far, so older resumes get Expired (HTTP 410).
      this.statement('DELETE FROM changes WHERE rv <= ?').run(cutoff);
      this.statement("UPDATE meta SET value = ? WHERE key = 'compacted'").run(cutoff);
      this.compacted = cutoff;
    }
    this.pending.push({ resourceVersion: rv, type, resource: { group: ref.group, plural: ref.plural }, object: obj });
  }

  private nextVersion(): number {
    const rv = this.metaValue('rv') + 1;
    this.statement("UPDATE meta SET value = ? WHERE key = 'rv'").run(rv);
    return rv;
  }

  private metaValue(key: string): number {
    const row = this.statement<[string], { value: number }>('SELECT value FROM meta WHERE key = ?').get(key);
    return row?.value ?? 0;
  }

  private emit(changes: Change[]): void {
    if (changes.length === 0 || this.listeners.size === 0) return;
    const listeners = [...this.listeners];
    // Asynchronous delivery: a listener that writes back starts its own transaction after this one finished.
    setImmediate(() => {
      for (const change of changes) {
        for (const listener of listeners) {
          try {
            listener(change);
          } catch (err) {
            process.emitWarning(`store listener failed: ${String(err)}`);
          }
        }
      }
    });
  }
}
