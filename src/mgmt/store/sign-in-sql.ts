/**
 * The sign-in table (one-time codes and browser sessions, auth/sign-in.ts) in the store, so every replica of the
 * management plane over one PostgreSQL database honours a code issued by another and a session opened on another,
 * and a restart signs nobody out. Only SHA-256 hashes of codes and session ids are stored. Portable SQL for both
 * backends (`DELETE ... RETURNING` is PostgreSQL's and SQLite's since 3.35).
 */
import type { Backend, Row } from './executor.js';
import type { SignInRecord, SignInKind } from './types.js';

/** Schema of the sign-in table (appended to the store's SCHEMA). */
export const SIGN_IN_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS mb_sign_in (
     kind TEXT NOT NULL, hash TEXT NOT NULL, principal TEXT NOT NULL, csrf TEXT NOT NULL,
     expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (kind, hash))`,
  `CREATE INDEX IF NOT EXISTS mb_sign_in_age ON mb_sign_in (kind, created_at)`,
];

function recordOf(r: Row): SignInRecord {
  return {
    kind: String(r.kind) as SignInKind,
    hash: String(r.hash),
    principal: JSON.parse(String(r.principal)) as SignInRecord['principal'],
    csrf: String(r.csrf),
    expiresAt: Number(r.expires_at),
    createdAt: Number(r.created_at),
  };
}

/** The sign-in operations of a store over `backend`. */
export function signInTable(backend: Backend) {
  return {
    /**
     * Adds an entry, first dropping that kind's expired entries, then the oldest beyond `max` (so the table stays
     * bounded whatever is issued).
     */
    async putSignIn(entry: SignInRecord, max: number): Promise<void> {
      await backend.transaction(async (ex) => {
        await ex.run(`DELETE FROM mb_sign_in WHERE kind = ? AND expires_at <= ?`, [entry.kind, entry.createdAt]);
        await ex.run(
          `INSERT INTO mb_sign_in (kind, hash, principal, csrf, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
          [entry.kind, entry.hash, JSON.stringify(entry.principal), entry.csrf, entry.expiresAt, entry.createdAt],
        );
        await ex.run(
          `DELETE FROM mb_sign_in WHERE kind = ? AND hash IN (
             SELECT hash FROM mb_sign_in WHERE kind = ? ORDER BY created_at DESC, hash LIMIT 1000000000 OFFSET ?)`,
          [entry.kind, entry.kind, max],
        );
      });
    },
    /** Removes and returns an entry in one statement: of two replicas redeeming one code, one gets it. */
    async takeSignIn(kind: SignInKind, hash: string): Promise<SignInRecord | undefined> {
      const rows = await backend.query(`DELETE FROM mb_sign_in WHERE kind = ? AND hash = ? RETURNING *`, [kind, hash]);
      return rows[0] === undefined ? undefined : recordOf(rows[0]);
    },
    async getSignIn(kind: SignInKind, hash: string): Promise<SignInRecord | undefined> {
      const rows = await backend.query(`SELECT * FROM mb_sign_in WHERE kind = ? AND hash = ?`, [kind, hash]);
      return rows[0] === undefined ? undefined : recordOf(rows[0]);
    },
    async deleteSignIn(kind: SignInKind, hash: string): Promise<void> {
      await backend.run(`DELETE FROM mb_sign_in WHERE kind = ? AND hash = ?`, [kind, hash]);
    },
  };
}
