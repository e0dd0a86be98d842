// Stopping the controller aborts its watches; that is not an error of any cluster and must not be logged as one
// (a controller of 10 clusters used to print 110 lines of "The user aborted a request." on every stop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededClusters } from './support/seeded-clusters.js';
import { FederationController } from '../../src/federation/controller.js';
import { InMemoryConfigSource } from '../../src/federation/config-source.js';
import { kubeconfigConnector } from '../../src/federation/connect.js';

test('stopping the controller logs no cluster errors', async (t) => {
  const { config, running } = await seededClusters(t, 'two-clusters-seed');
  const lines: string[] = [];
  const controller = new FederationController({
    config: new InMemoryConfigSource(config),
    connect: kubeconfigConnector(),
    debounceMs: 10,
    log: (l) => lines.push(l),
  });
  running.controller = controller;
  const synced = new Promise<void>((resolve) =>
    controller.on('reconciled', (r: { unsynced: string[] }) => {
      if (r.unsynced.length === 0) resolve();
    }),
  );
  await controller.start();
  await synced;
  const before = lines.length;
  await controller.stop();
  running.controller = undefined;
  await sleep(200);
  // Watch errors are logged as `cluster <name>: ...`; a pass still running at the stop may log its summary.
  assert.deepEqual(
    lines.slice(before).filter((l) => l.startsWith('cluster ')),
    [],
  );
});
