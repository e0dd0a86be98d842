/**
 * The store logic, written once against the `Backend` SQL surface (SQLite and PostgreSQL share it).
 */
import type { MgmtObject, ObjectFilter, ObjectRef } from '../model.js';
import { isMgmtKind } from '../model.js';
import type { Role } from '../auth/roles.js';
import { failoverSourceKey } from '../failover/event.js';
import type { StoredEvent } from '../failover/event.js';
import type { DrillRun } from '../failover/drill-run.js';
import type { StoredConvergence } from '../../api/convergence.js';
import type { Backend, Executor, Row } from './executor.js';
import { SCHEMA } from './executor.js';
import { SIGN_IN_SCHEMA, signInTable } from './sign-in-sql.js';
import type {
  AuditOutcome,
  AuditRecord,
  ClusterState,
  Store,
  StoreTx,
  StatusRecord,
  StoredObject,
  TokenRecord,
} from './types.js';

const KEY_COLUMNS = ['kind', 'organization', 'tenant', 'workspace', 'name'] as const;
/** Stable listing order: by kind as declared, then the key. */
const ORDER = `ORDER BY organization, tenant, workspace, kind, name`;

function keyParams(ref: ObjectRef): string[] {
  return KEY_COLUMNS.map((c) => ref[c]);
}

function toObject(row: Row): StoredObject {
  const kind = String(row.kind);
  if (!isMgmtKind(kind)) throw new Error(`corrupt store: unknown kind ${kind}`);
  return {
    ref: {
      kind,
      organization: String(row.organization),
      tenant: String(row.tenant),
      workspace: String(row.workspace),
      name: String(row.name),
    },
    object: JSON.parse(String(row.body)) as MgmtObject,
    revision: Number(row.revision),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** A WHERE clause of the conditions whose value is given (ANDed), and their parameters in order. */
function whereClause(conditions: readonly (readonly [sql: string, value: unknown])[]): {
  sql: string;
  params: unknown[];
} {
  const given = conditions.filter(([, value]) => value !== undefined);
  return {
    sql: given.length === 0 ? '' : `WHERE ${given.map(([sql]) => sql).join(' AND ')}`,
    params: given.map(([, value]) => value),
  };
}

function whereOf(filter: ObjectFilter): { sql: string; params: unknown[] } {
  return whereClause(KEY_COLUMNS.map((c) => [`${c} = ?`, filter[c]] as const));
}

async function getOn(ex: Executor, ref: ObjectRef): Promise<StoredObject | undefined> {
  const rows = await ex.query(
    `SELECT * FROM mb_objects WHERE kind = ? AND organization = ? AND tenant = ? AND workspace = ? AND name = ?`,
    keyParams(ref),
  );
  return rows[0] === undefined ? undefined : toObject(rows[0]);
}

async function listOn(ex: Executor, filter: ObjectFilter): Promise<StoredObject[]> {
  const where = whereOf(filter);
  return (await ex.query(`SELECT * FROM mb_objects ${where.sql} ${ORDER}`, where.params)).map(toObject);
}

async function revisionOn(ex: Executor): Promise<number> {
  const rows = await ex.query(`SELECT value FROM mb_meta WHERE key = 'revision'`);
  return Number(rows[0]?.value ?? 0);
}

async function auditOn(ex: Executor, r: AuditRecord): Promise<void> {
  await ex.run(
    `INSERT INTO mb_audit (seq, at, actor, action, target, outcome, detail)
     VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM mb_audit), ?, ?, ?, ?, ?, ?)`,
    [r.at, r.actor, r.action, r.target, r.outcome, r.detail],
  );
}

function tokenOf(r: Row | undefined): TokenRecord | undefined {
  if (r === undefined) return undefined;
  return {
    name: String(r.name),
    role: String(r.role) as Role,
    scope: JSON.parse(String(r.scope)) as TokenRecord['scope'],
    hash: String(r.hash),
    createdAt: String(r.created_at),
  };
}

function txOf(ex: Executor, lockSql: string | undefined): StoreTx {
  return {
    get: (ref) => getOn(ex, ref),
    list: (filter) => listOn(ex, filter),
    async put(ref, object, revision, now) {
      await ex.run(
        `INSERT INTO mb_objects (kind, organization, tenant, workspace, name, body, revision, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind, organization, tenant, workspace, name)
         DO UPDATE SET body = excluded.body, revision = excluded.revision, updated_at = excluded.updated_at`,
        [...keyParams(ref), JSON.stringify(object), revision, now, now],
      );
    },
    async remove(ref) {
      const n = await ex.run(
        `DELETE FROM mb_objects WHERE kind = ? AND organization = ? AND tenant = ? AND workspace = ? AND name = ?`,
        keyParams(ref),
      );
      return n > 0;
    },
    async lockRevision() {
      if (lockSql !== undefined) await ex.query(lockSql);
      return revisionOn(ex);
    },
    async bumpRevision() {
      const rows = await ex.query(`UPDATE mb_meta SET value = value + 1 WHERE key = 'revision' RETURNING value`);
      return Number(rows[0]?.value);
    },
    audit: (r) => auditOn(ex, r),
    async clearStatus(kind, fqn) {
      await ex.run(`DELETE FROM mb_status WHERE kind = ? AND fqn = ?`, [kind, fqn]);
    },
  };
}

/** Creates the schema if needed and returns the store over `backend`. */
export async function createSqlStore(backend: Backend): Promise<Store> {
  await backend.transaction(async (ex) => {
    for (const stmt of [...SCHEMA, ...SIGN_IN_SCHEMA]) await ex.run(stmt);
  });
  return {
    backend: backend.name,
    transaction: (fn) => backend.transaction((ex) => fn(txOf(ex, backend.lockRevisionSql))),
    get: (ref) => getOn(backend, ref),
    list: (filter) => listOn(backend, filter),
    snapshot: () =>
      backend.readConsistent(async (ex) => ({ revision: await revisionOn(ex), objects: await listOn(ex, {}) })),
    revision: () => revisionOn(backend),
    audit: (r) => auditOn(backend, r),
    async listAudit(opts = {}) {
      const rows =
        opts.limit === undefined
          ? await backend.query(`SELECT * FROM mb_audit ORDER BY seq`)
          : (await backend.query(`SELECT * FROM mb_audit ORDER BY seq DESC LIMIT ?`, [opts.limit])).reverse();
      return rows.map((r) => ({
        at: String(r.at),
        actor: String(r.actor),
        action: String(r.action),
        target: String(r.target),
        outcome: String(r.outcome) as AuditOutcome,
        detail: String(r.detail),
      }));
    },
    async putToken(t: TokenRecord) {
      await backend.transaction(async (ex) => {
        // A name is reused on re-creation: the old secret stops working at once.
        await ex.run(`DELETE FROM mb_tokens WHERE name = ? OR hash = ?`, [t.name, t.hash]);
        await ex.run(`INSERT INTO mb_tokens (name, role, scope, hash, created_at) VALUES (?, ?, ?, ?, ?)`, [
          t.name,
          t.role,
          JSON.stringify(t.scope),
          t.hash,
          t.createdAt,
        ]);
      });
    },
    findTokenByHash: async (hash) =>
      tokenOf((await backend.query(`SELECT * FROM mb_tokens WHERE hash = ?`, [hash]))[0]),
    findTokenByName: async (name) =>
      tokenOf((await backend.query(`SELECT * FROM mb_tokens WHERE name = ?`, [name]))[0]),
    async replaceStatus(kind, fqn, records) {
      await backend.transaction(async (ex) => {
        await ex.run(`DELETE FROM mb_status WHERE kind = ? AND fqn = ?`, [kind, fqn]);
        for (const s of records) {
          await ex.run(
            `INSERT INTO mb_status (kind, fqn, cluster, state, message, revision, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
            [s.kind, s.fqn, s.cluster, s.state, s.message, s.revision, s.updatedAt],
          );
        }
      });
    },
    async listStatus(): Promise<StatusRecord[]> {
      const rows = await backend.query(`SELECT * FROM mb_status ORDER BY kind, fqn, cluster`);
      return rows.map((r) => ({
        kind: String(r.kind),
        fqn: String(r.fqn),
        cluster: String(r.cluster),
        state: String(r.state) as ClusterState,
        message: String(r.message),
        revision: Number(r.revision),
        updatedAt: String(r.updated_at),
      }));
    },
    ...signInTable(backend),
    async addFailoverEvents(events: readonly StoredEvent[]) {
      if (events.length === 0) return 0;
      return backend.transaction(async (ex) => {
        let added = 0;
        for (const e of events) {
          added += await ex.run(
            `INSERT INTO mb_failover_events (source, boot, seq, at_ms, service, cluster, body)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, boot, seq) DO NOTHING`,
            [failoverSourceKey(e.source), e.boot, e.seq, e.atMs, e.service, e.source.cluster, JSON.stringify(e)],
          );
        }
        return added;
      });
    },
    async lastFailoverSeq(source, boot) {
      const rows = await backend.query(`SELECT MAX(seq) AS seq FROM mb_failover_events WHERE source = ? AND boot = ?`, [
        source,
        boot,
      ]);
      return Number(rows[0]?.seq ?? 0);
    },
    async listFailoverEvents(filter) {
      const { sql: where, params } = whereClause([
        ['service = ?', filter.service],
        ['cluster = ?', filter.cluster],
        ['at_ms >= ?', filter.sinceMs],
        ['at_ms < ?', filter.untilMs],
      ]);
      const rows = await backend.query(
        `SELECT body FROM mb_failover_events ${where} ORDER BY at_ms DESC, source DESC, seq DESC LIMIT ?`,
        [...params, filter.limit],
      );
      return rows.reverse().map((r) => JSON.parse(String(r.body)) as StoredEvent);
    },
    pruneFailoverEvents: (beforeMs) => backend.run(`DELETE FROM mb_failover_events WHERE at_ms < ?`, [beforeMs]),
    async putDrillRun(run: DrillRun) {
      await backend.run(
        `INSERT INTO mb_drill_runs (id, service, cluster, started_ms, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET service = excluded.service, cluster = excluded.cluster,
           started_ms = excluded.started_ms, body = excluded.body`,
        [run.id, run.service, run.cluster, run.startedAtMs, JSON.stringify(run)],
      );
    },
    async getDrillRun(id) {
      const rows = await backend.query(`SELECT body FROM mb_drill_runs WHERE id = ?`, [id]);
      return rows[0] === undefined ? undefined : (JSON.parse(String(rows[0].body)) as DrillRun);
    },
    async listDrillRuns(filter) {
      const { sql: where, params } = whereClause([
        ['service = ?', filter.service],
        ['cluster = ?', filter.cluster],
      ]);
      const rows = await backend.query(
        `SELECT body FROM mb_drill_runs ${where} ORDER BY started_ms DESC, id DESC LIMIT ?`,
        [...params, filter.limit],
      );
      return rows.map((r) => JSON.parse(String(r.body)) as DrillRun);
    },
    pruneDrillRuns: (beforeMs) => backend.run(`DELETE FROM mb_drill_runs WHERE started_ms < ?`, [beforeMs]),
    async putConvergence(report) {
      await backend.run(
        `INSERT INTO mb_convergence (organization, cluster, body, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (organization, cluster) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
        [report.organization, report.cluster, JSON.stringify(report), report.updatedAt],
      );
    },
    async listConvergence() {
      const rows = await backend.query(`SELECT body FROM mb_convergence ORDER BY organization, cluster`);
      return rows.map((r) => JSON.parse(String(r.body)) as StoredConvergence);
    },
    async deleteConvergence(organization, cluster) {
      await backend.run(`DELETE FROM mb_convergence WHERE organization = ? AND cluster = ?`, [organization, cluster]);
    },
    close: () => backend.close(),
  };
}
