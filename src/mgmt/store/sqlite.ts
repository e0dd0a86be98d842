/**
 * SQLite backend (better-sqlite3, synchronous). One connection; a mutex serializes every operation because a
 * transaction's body is async (it awaits between statements) and a read on the same connection would otherwise see
 * another request's uncommitted writes.
 */
import Database from 'better-sqlite3';
import type { Backend, Executor, Row } from './executor.js';
import { Mutex } from './mutex.js';

function executorOf(db: Database.Database): Executor {
  return {
    async query(sql, params = []) {
      return db.prepare(sql).all(...params) as Row[];
    },
    async run(sql, params = []) {
      return db.prepare(sql).run(...params).changes;
    },
  };
}

/** Opens (creating if needed) the SQLite database file at `path`. */
export function openSqliteBackend(path: string): Backend {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const ex = executorOf(db);
  const mutex = new Mutex();
  // IMMEDIATE takes the write lock up front (no upgrade deadlock between processes); reads only need a snapshot.
  const inTransaction = <T>(begin: string, fn: (tx: Executor) => Promise<T>): Promise<T> =>
    mutex.run(async () => {
      db.exec(begin);
      try {
        const result = await fn(ex);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    });
  return {
    name: 'sqlite',
    lockRevisionSql: undefined,
    query: (sql, params) => mutex.run(() => ex.query(sql, params)),
    run: (sql, params) => mutex.run(() => ex.run(sql, params)),
    transaction: (fn) => inTransaction('BEGIN IMMEDIATE', fn),
    readConsistent: (fn) => inTransaction('BEGIN DEFERRED', fn),
    async close() {
      await mutex.run(async () => db.close());
    },
  };
}
