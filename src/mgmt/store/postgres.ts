/**
 * PostgreSQL backend (`pg` pool). Writers serialize on the revision row (`SELECT ... FOR UPDATE`), so hierarchy
 * checks and revision numbers are consistent under concurrent requests.
 */
import pg from 'pg';
import type { Backend, Executor, Row } from './executor.js';

/** `?` placeholders -> `$1..$n` (our SQL never contains a literal `?`). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function executorOf(client: pg.Pool | pg.PoolClient): Executor {
  return {
    async query(sql, params = []) {
      return (await client.query(numbered(sql), [...params])).rows as Row[];
    },
    async run(sql, params = []) {
      return (await client.query(numbered(sql), [...params])).rowCount ?? 0;
    },
  };
}

/** Connects to the database at `url` (`postgres://user@host:port/db`, `?host=/socket/dir` allowed). */
export async function openPostgresBackend(url: string): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  // Fail at startup, with the driver's reason, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const withClient = async <T>(begin: string, fn: (tx: Executor) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query(begin);
      const result = await fn(executorOf(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  const ex = executorOf(pool);
  return {
    name: 'postgres',
    lockRevisionSql: `SELECT value FROM mb_meta WHERE key = 'revision' FOR UPDATE`,
    query: ex.query,
    run: ex.run,
    transaction: (fn) => withClient('BEGIN', fn),
    readConsistent: (fn) => withClient('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn),
    close: () => pool.end(),
  };
}
