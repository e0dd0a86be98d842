// A write that keeps failing (an object of someone else's holding a generated name) is retried with a growing delay
// and logged once: it used to cost a whole pass and a log line every second for as long as the clash lasted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededClusters } from './support/seeded-clusters.js';
import { FederationController } from '../../src/federation/controller.js';
import { InMemoryConfigSource } from '../../src/federation/config-source.js';
import { kubeconfigConnector } from '../../src/federation/connect.js';
import { plan } from '../../src/federation/plan.js';

test('a lasting conflict is logged once and retried with a doubling delay; once cleared, the object is written', async (t) => {
  const { servers, expanded, config, running } = await seededClusters(t, 'two-clusters-seed');
  const rule = plan({
    config: expanded.config,
    inventories: expanded.inventories,
    resolved: expanded.resolved,
  }).clusters['cluster-1']?.find((o) => o.kind === 'DestinationRule');
  assert.ok(rule, 'the case plans a DestinationRule in cluster-1');
  const { name, namespace } = rule.metadata;
  // Someone else's object with the generated name: no managed-by label, so the controller must leave it alone.
  const c1 = servers['cluster-1'];
  c1.put({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace, labels: { team: 'payments' } },
    spec: { host: 'theirs.example' },
  } as never);

  const lines: string[] = [];
  let passes = 0;
  const controller = new FederationController({
    config: new InMemoryConfigSource(config),
    connect: kubeconfigConnector(),
    debounceMs: 10,
    retryMs: 50,
    log: (l) => lines.push(l),
  });
  running.controller = controller;
  controller.on('reconciled', () => passes++);
  await controller.start();
  await sleep(2000);

  const clashes = lines.filter((l) => l.includes(`${name}`) && /already exists|modified|conflict/i.test(l));
  assert.equal(clashes.length, 1, `the clash is logged once:\n${lines.join('\n')}`);
  // Retries after 50, 100, 200, 400, 800 ms: at most 6 within the 2 s (a fixed 50 ms would be some 30), besides
  // the passes the informers' first events ask for.
  assert.ok(passes >= 3 && passes <= 10, `${passes} passes`);
  const theirs = c1.list('DestinationRule', namespace).find((o) => o.metadata?.name === name);
  assert.equal((theirs?.spec as { host?: string }).host, 'theirs.example', 'their object is untouched');

  // The owner moves it away: the next retry writes ours.
  c1.remove('networking.istio.io/v1', 'DestinationRule', name, namespace);
  await sleep(50);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ours = c1.list('DestinationRule', namespace).find((o) => o.metadata?.name === name);
    if (ours?.metadata?.labels?.['meshbridge.io/managed-by'] === 'meshbridge-federation') break;
    assert.ok(Date.now() < deadline, 'the generated rule is written once the name is free');
    await sleep(50);
  }
});
