/**
 * The small SQL surface both backends provide, so the store logic is written once. SQL uses `?` placeholders;
 * the PostgreSQL executor rewrites them to `$n`.
 */

/** A row as returned by the driver (column name -> value). */
export type Row = Record<string, unknown>;

/** Runs statements on one connection (or inside one transaction). */
export interface Executor {
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A backend: an executor for single statements plus transactions and lifecycle. */
export interface Backend extends Executor {
  readonly name: 'sqlite' | 'postgres';
  /** Locks the revision row for the rest of the transaction (no-op where the transaction already holds a lock). */
  readonly lockRevisionSql: string | undefined;
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /** Runs a read-only group of statements with one consistent view. */
  readConsistent<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Schema shared by both backends (portable SQL: TEXT, BIGINT, composite primary keys, ON CONFLICT). */
export const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS mb_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
  `INSERT INTO mb_meta (key, value) VALUES ('revision', 0) ON CONFLICT (key) DO NOTHING`,
  `CREATE TABLE IF NOT EXISTS mb_objects (
     kind TEXT NOT NULL, organization TEXT NOT NULL, tenant TEXT NOT NULL, workspace TEXT NOT NULL, name TEXT NOT NULL,
     body TEXT NOT NULL, revision BIGINT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (kind, organization, tenant, workspace, name))`,
  `CREATE TABLE IF NOT EXISTS mb_audit (
     seq BIGINT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
     outcome TEXT NOT NULL, detail TEXT NOT NULL)`,
  // Appending reads MAX(seq) and listing reads the newest records: both need seq indexed as the log grows.
  `CREATE INDEX IF NOT EXISTS mb_audit_seq ON mb_audit (seq)`,
  `CREATE TABLE IF NOT EXISTS mb_tokens (
     name TEXT PRIMARY KEY, role TEXT NOT NULL, scope TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS mb_status (
     kind TEXT NOT NULL, fqn TEXT NOT NULL, cluster TEXT NOT NULL, state TEXT NOT NULL, message TEXT NOT NULL,
     revision BIGINT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (kind, fqn, cluster))`,
  // Failover flight recorder events: a proxy's event is stored once whatever how often it is pulled (the key), and
  // timelines are read per service in time order (the index).
  `CREATE TABLE IF NOT EXISTS mb_failover_events (
     source TEXT NOT NULL, boot TEXT NOT NULL, seq BIGINT NOT NULL, at_ms BIGINT NOT NULL, service TEXT NOT NULL,
     cluster TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (source, boot, seq))`,
  `CREATE INDEX IF NOT EXISTS mb_failover_events_service ON mb_failover_events (service, at_ms)`,
  // Failover drill runs, listed newest first.
  `CREATE TABLE IF NOT EXISTS mb_drill_runs (
     id TEXT PRIMARY KEY, service TEXT NOT NULL, cluster TEXT NOT NULL, started_ms BIGINT NOT NULL, body TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS mb_drill_runs_started ON mb_drill_runs (started_ms)`,
  // Each cluster's latest xDS convergence report (the federation controller forwards it), one row per cluster.
  `CREATE TABLE IF NOT EXISTS mb_convergence (
     organization TEXT NOT NULL, cluster TEXT NOT NULL, body TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (organization, cluster))`,
];
