import { test } from 'node:test';
import { rejectedBatchChangesNothing, restartKeepsEverything } from './support/scenarios.js';

test('a management plane restarted on the same SQLite file keeps objects, revision, status, audit and tokens', async () => {
  await restartKeepsEverything(undefined);
});

test('with SQLite, a multi-document apply with one bad document changes nothing', async () => {
  await rejectedBatchChangesNothing(undefined);
});
