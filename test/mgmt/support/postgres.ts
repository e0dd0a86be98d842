/**
 * A real PostgreSQL server for store tests: `MESHBRIDGE_TEST_PG_URL` when set (each test gets its own database),
 * otherwise a throwaway cluster made with initdb/pg_ctl in a temp dir, listening on a Unix socket only (no TCP
 * port to collide with parallel suites). When neither is possible the caller fails with the reason: never skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

/** A PostgreSQL server usable by tests. */
export interface TestPostgres {
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databases(adminUrl: string, onStop: () => void): TestPostgres {
  const created: string[] = [];
  return {
    async createDatabase() {
      const db = `mb_test_${randomBytes(6).toString('hex')}`;
      await adminQuery(adminUrl, `CREATE DATABASE ${db}`);
      created.push(db);
      return withDatabase(adminUrl, db);
    },
    async stop() {
      for (const db of created)
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {});
      onStop();
    },
  };
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses root). */
function runAs(uid: number | undefined, bin: string, args: string[]): void {
  const cmd = uid === undefined ? bin : 'runuser';
  const argv = uid === undefined ? args : ['-u', 'postgres', '--', bin, ...args];
  const res = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${res.status ?? res.signal}): ${res.stderr || res.stdout}`);
  }
}

/** Provides a PostgreSQL server or throws an Error explaining why none is reachable. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const envUrl = process.env.MESHBRIDGE_TEST_PG_URL;
  if (envUrl !== undefined && envUrl !== '') return databases(envUrl, () => {});
  const binDir = BIN_DIRS.find((d) => existsSync(join(d, 'initdb')));
  if (binDir === undefined) {
    throw new Error(
      `no PostgreSQL server for the store tests: set MESHBRIDGE_TEST_PG_URL=postgres://... or install PostgreSQL ` +
        `(initdb not found in ${BIN_DIRS.join(', ')})`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'mb-pg-'));
  let uid: number | undefined;
  if (process.getuid?.() === 0) {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
  }
  const data = join(dir, 'data');
  const port = 20000 + Math.floor(Math.random() * 40000);
  const stopCluster = (): void => {
    spawnSync(uid === undefined ? join(binDir, 'pg_ctl') : 'runuser', [
      ...(uid === undefined ? [] : ['-u', 'postgres', '--', join(binDir, 'pg_ctl')]),
      '-D',
      data,
      '-m',
      'immediate',
      'stop',
    ]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runAs(uid, join(binDir, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    runAs(uid, join(binDir, 'pg_ctl'), [
      '-D',
      data,
      '-w',
      '-l',
      join(dir, 'log'),
      '-o',
      `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off`,
      'start',
    ]);
  } catch (err) {
    stopCluster();
    throw new Error(`could not start a throwaway PostgreSQL server: ${(err as Error).message}`);
  }
  // Should the test process die without running its hooks, do not leave a server behind.
  process.once('exit', stopCluster);
  const adminUrl = `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}&port=${port}`;
  return databases(adminUrl, () => {
    process.off('exit', stopCluster);
    stopCluster();
  });
}

/**
 * Runs a management-plane scenario on each store: SQLite (`scenario(undefined)`), then PostgreSQL in a database of
 * its own (`scenario(url)`), under one `describe`.
 */
export function describeOnBothStores(
  title: string,
  sqliteTitle: string,
  scenario: (postgresUrl: string | undefined) => Promise<void>,
): void {
  describe(title, () => {
    it(`SQLite: ${sqliteTitle}`, async () => {
      await scenario(undefined);
    });
    describe('PostgreSQL', () => {
      let server: TestPostgres | undefined;
      before(async () => {
        server = await startTestPostgres();
      });
      after(async () => {
        await server?.stop();
      });
      it('the same with the PostgreSQL store', async () => {
        if (!server) throw new Error('PostgreSQL did not start');
        await scenario(await server.createDatabase());
      });
    });
  });
}
