/**
 * The management plane's storage contract. Two implementations (SQLite, PostgreSQL) share one SQL schema; every
 * mutation of configuration runs in `transaction`, which commits all of its writes or none.
 */
import type { MgmtObject, ObjectFilter, ObjectRef } from '../model.js';
import type { Principal, Role } from '../auth/roles.js';
import type { StoredEvent } from '../failover/event.js';
import type { DrillRun } from '../failover/drill-run.js';
import type { StoredConvergence } from '../../api/convergence.js';

/** A stored object with the global revision of its last change. */
export interface StoredObject {
  ref: ObjectRef;
  object: MgmtObject;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** Outcome recorded for a mutation attempt. */
export type AuditOutcome = 'success' | 'denied' | 'unauthenticated' | 'rejected' | 'error';

/** One audit record: who (token name), what (action + targets), when, outcome. */
export interface AuditRecord {
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  detail: string;
}

/** A token as stored: only the SHA-256 hash of the secret, never the secret. */
export interface TokenRecord {
  name: string;
  role: Role;
  scope: Principal['scope'];
  hash: string;
  createdAt: string;
}

/** Per-cluster state the federation controller reports for one object. */
export type ClusterState = 'READY' | 'PARTIAL' | 'FAILED';

/** Revision of a report that did not name the configuration revision it was computed from. */
export const UNVERSIONED = -1;

/** One status row: one object (kind + fqn) in one cluster. */
export interface StatusRecord {
  kind: string;
  fqn: string;
  cluster: string;
  state: ClusterState;
  message: string;
  /** Configuration revision the report was computed from; UNVERSIONED when the controller did not say. */
  revision: number;
  updatedAt: string;
}

/** What the sign-in table holds: one-time codes and browser sessions (auth/sign-in.ts). */
export type SignInKind = 'code' | 'session';

/** One sign-in entry: the SHA-256 hash of the code or session id, never the secret itself. */
export interface SignInRecord {
  kind: SignInKind;
  hash: string;
  principal: Principal;
  /** The session's CSRF secret ('' for a code). */
  csrf: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  createdAt: number;
}

/** Which failover events to list. */
export interface FailoverEventFilter {
  /** The service FQDN (`details.bookinfo.svc.cluster.local`). */
  service?: string;
  /** The cluster of the proxy that recorded them. */
  cluster?: string;
  /** Only events at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** Only events before this time. */
  untilMs?: number;
  /** The newest `limit` events (returned oldest first). */
  limit: number;
}

/** Operations available inside a transaction. */
export interface StoreTx {
  get(ref: ObjectRef): Promise<StoredObject | undefined>;
  list(filter: ObjectFilter): Promise<StoredObject[]>;
  put(ref: ObjectRef, object: MgmtObject, revision: number, now: string): Promise<void>;
  remove(ref: ObjectRef): Promise<boolean>;
  /** Serializes writers (PostgreSQL row lock; SQLite already holds its write lock). Call first. */
  lockRevision(): Promise<number>;
  /** Increments and returns the global revision. */
  bumpRevision(): Promise<number>;
  audit(record: AuditRecord): Promise<void>;
  clearStatus(kind: string, fqn: string): Promise<void>;
}

/** The storage of the management plane. */
export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: commits when it resolves, rolls back (nothing changed) when it rejects. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  get(ref: ObjectRef): Promise<StoredObject | undefined>;
  list(filter: ObjectFilter): Promise<StoredObject[]>;
  /** The current global revision and every object, read consistently. */
  snapshot(): Promise<{ revision: number; objects: StoredObject[] }>;
  revision(): Promise<number>;
  audit(record: AuditRecord): Promise<void>;
  /** Audit records, oldest first; with `limit`, only the latest `limit`. */
  listAudit(opts?: { limit?: number }): Promise<AuditRecord[]>;
  /** Inserts or replaces the token with this name. */
  putToken(token: TokenRecord): Promise<void>;
  findTokenByHash(hash: string): Promise<TokenRecord | undefined>;
  findTokenByName(name: string): Promise<TokenRecord | undefined>;
  /** Replaces every cluster row of one object with `records`. */
  replaceStatus(kind: string, fqn: string, records: StatusRecord[]): Promise<void>;
  listStatus(): Promise<StatusRecord[]>;
  /** Adds a sign-in entry, dropping expired ones and the oldest beyond `max` of its kind. */
  putSignIn(entry: SignInRecord, max: number): Promise<void>;
  /** Removes and returns a sign-in entry (atomic: a code is redeemed once across replicas). */
  takeSignIn(kind: SignInKind, hash: string): Promise<SignInRecord | undefined>;
  getSignIn(kind: SignInKind, hash: string): Promise<SignInRecord | undefined>;
  deleteSignIn(kind: SignInKind, hash: string): Promise<void>;
  /** Stores events not stored yet (key: proxy, boot, seq); returns how many were new. */
  addFailoverEvents(events: readonly StoredEvent[]): Promise<number>;
  /** Highest stored sequence of one proxy's boot (0 when none): where a pull resumes. */
  lastFailoverSeq(source: string, boot: string): Promise<number>;
  /** Events matching `filter`, oldest first. */
  listFailoverEvents(filter: FailoverEventFilter): Promise<StoredEvent[]>;
  /** Deletes events older than `beforeMs`; returns how many. */
  pruneFailoverEvents(beforeMs: number): Promise<number>;
  /** Inserts or replaces a drill run (key: its id). */
  putDrillRun(run: DrillRun): Promise<void>;
  getDrillRun(id: string): Promise<DrillRun | undefined>;
  /** The newest `limit` runs matching the filter, newest first. */
  listDrillRuns(filter: { service?: string; cluster?: string; limit: number }): Promise<DrillRun[]>;
  /** Deletes runs started before `beforeMs`; returns how many. */
  pruneDrillRuns(beforeMs: number): Promise<number>;
  /** Replaces a cluster's convergence report (key: organization and cluster). */
  putConvergence(report: StoredConvergence): Promise<void>;
  /** Every cluster's report, by organization and cluster. */
  listConvergence(): Promise<StoredConvergence[]>;
  /** Deletes the report of a cluster (it was deregistered). */
  deleteConvergence(organization: string, cluster: string): Promise<void>;
  close(): Promise<void>;
}
