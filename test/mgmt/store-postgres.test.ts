import { after, before, test } from 'node:test';
import { rejectedBatchChangesNothing, restartKeepsEverything } from './support/scenarios.js';
import { startTestPostgres } from './support/postgres.js';
import type { TestPostgres } from './support/postgres.js';

// A real PostgreSQL server (MESHBRIDGE_TEST_PG_URL or a throwaway cluster): when none can be had, `before` throws
// and every test here fails with the reason.
let server: TestPostgres;
before(async () => {
  server = await startTestPostgres();
});
after(async () => {
  await server?.stop();
});

test('a management plane restarted on the same PostgreSQL database keeps objects, revision, status, audit and tokens', async () => {
  await restartKeepsEverything(await server.createDatabase());
});

test('with PostgreSQL, a multi-document apply with one bad document changes nothing', async () => {
  await rejectedBatchChangesNothing(await server.createDatabase());
});
