/**
 * Leader election (src/federation/leader.ts) between real candidates on the embedded cluster API's Lease, through
 * @kubernetes/client-node: one leader at a time, a partitioned leader steps down before anyone else takes over, a
 * graceful stop hands over at once, and candidates racing for an expired lease never both win (the API's
 * resourceVersion conflict decides). Short durations keep the test quick; the rules are the same at 15 s.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedApi, kubeconfigFor } from './support/embedded-api.js';
import { createClusterClient, loadKubeConfig, type ClusterClient } from '../../src/kube/client.js';
import { LeaderElector } from '../../src/federation/index.js';

const TIMING = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 150 };
const api = new EmbeddedApi();
let dir: string;
let client: ClusterClient;
/** Every transition, in order, with its time. */
const events: { who: string; what: 'start' | 'stop'; at: number }[] = [];

before(async () => {
  await api.start();
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'meshbridge' } });
  dir = mkdtempSync(join(tmpdir(), 'mb-leader-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor({ mgmt: api }));
  client = createClusterClient({ name: 'mgmt', kubeConfig: loadKubeConfig({ path: join(dir, 'kubeconfig') }) });
});
after(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

function candidate(identity: string, name: string, c: ClusterClient = client): LeaderElector {
  const e = new LeaderElector({ client: c, namespace: 'meshbridge', name, identity, ...TIMING });
  e.on('started-leading', () => events.push({ who: identity, what: 'start', at: Date.now() }));
  e.on('stopped-leading', () => events.push({ who: identity, what: 'stop', at: Date.now() }));
  return e;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !check(); await sleep(20)) if (Date.now() > end) throw new Error(`no ${what}`);
}
/** Samples the candidates every 20 ms for `ms`; fails if two ever lead at once. */
async function neverTwo(electors: LeaderElector[], ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) {
    assert.ok(electors.filter((e) => e.isLeader()).length <= 1, 'two leaders at once');
  }
}

test('one leader; a partitioned leader steps down before the other takes over; a graceful stop hands over', async () => {
  // A's API calls fail once `cut` is set: a network partition, with A still running.
  let cut = false;
  const partitionable: ClusterClient = new Proxy(client, {
    get: (target, prop, receiver) => {
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function'
        ? (...args: unknown[]) =>
            cut ? Promise.reject(new Error('partitioned')) : (v as (...a: unknown[]) => unknown).apply(target, args)
        : v;
    },
  });
  const a = candidate('a', 'controller', partitionable);
  const b = candidate('b', 'controller');
  a.start();
  await until('leader a', () => a.isLeader());
  b.start();
  await neverTwo([a, b], 2_500);
  assert.ok(a.isLeader() && !b.isLeader(), 'a keeps leading while it renews');
  const lease = api.list('Lease', 'meshbridge')[0] as { spec: { holderIdentity: string } };
  assert.equal(lease.spec.holderIdentity, 'a');

  cut = true;
  await until('b to take over', () => b.isLeader());
  const aStop = events.find((e) => e.who === 'a' && e.what === 'stop');
  const bStart = events.find((e) => e.who === 'b' && e.what === 'start');
  assert.ok(aStop && bStart && aStop.at < bStart.at, 'a stopped leading before b started');
  assert.ok(bStart.at - aStop.at >= TIMING.leaseDurationMs - TIMING.renewDeadlineMs - 200, 'b waited out the lease');
  await a.stop();

  const c = candidate('c', 'controller');
  c.start();
  await neverTwo([b, c], 1_000);
  assert.ok(b.isLeader() && !c.isLeader());
  const released = Date.now();
  await b.stop();
  await until('c after the release', () => c.isLeader());
  assert.ok(Date.now() - released < TIMING.leaseDurationMs, 'no need to wait out the lease after a release');
  await c.stop();
});

test('candidates racing for an expired lease: exactly one wins, never two at once', async () => {
  const stale = new Date(Date.now() - 60_000).toISOString();
  api.put({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'race', namespace: 'meshbridge' },
    spec: {
      holderIdentity: 'gone',
      leaseDurationSeconds: 1,
      acquireTime: stale,
      renewTime: stale,
      leaseTransitions: 3,
    },
  });
  const ids = ['r1', 'r2', 'r3'];
  const racers = ids.map((id) => candidate(id, 'race'));
  for (const r of racers) r.start();
  await until('a winner', () => racers.some((r) => r.isLeader()));
  await neverTwo(racers, 2_000);
  assert.equal(racers.filter((r) => r.isLeader()).length, 1);
  const lease = api.list('Lease', 'meshbridge').find((l) => l.metadata?.name === 'race') as {
    spec: { holderIdentity: string; leaseTransitions: number };
  };
  assert.equal(lease.spec.holderIdentity, ids[racers.findIndex((r) => r.isLeader())]);
  assert.equal(lease.spec.leaseTransitions, 4, 'one transition: from the gone holder to the winner');
  for (const r of racers) await r.stop();
});
