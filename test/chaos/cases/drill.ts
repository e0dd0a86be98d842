/**
 * Chaos case: a failover drill. `meshbridge drill start details.bookinfo --cluster cluster-1 --duration 4s` drains
 * cluster-1's details at the mesh level (EDS DRAINING): product pages are served with cluster-2's details during
 * the drill and with cluster-1's after it, the details pod is never touched (same pod, no restart, one replica),
 * no request fails, and productpage's sidecar recorded the episode, which `meshbridge history` shows with its
 * failback. Recovery is the time until pages are served with cluster-1's details again.
 */
import assert from 'node:assert/strict';
import { C1, C2 } from '../../../src/demo/walkthrough.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { eventually, until } from '../support.js';
import { pods, PROXY_CONTAINER, type PodView } from './topology.js';

const DRILL_SECONDS = 4;
let before: PodView | undefined;
let startedAt = 0;

async function detailsFrom(ctx: ChaosContext, cluster: string): Promise<boolean> {
  const page = await ctx.page();
  return page.ok && page.detailsCluster === cluster;
}

export const drillCase: ChaosCase = {
  name:
    `a ${DRILL_SECONDS} s drill of details in cluster-1 (meshbridge drill start): pages get cluster-2's details ` +
    "during it and cluster-1's after, the pod untouched, 0 failed requests, the episode in meshbridge history",
  async prepare(ctx) {
    const list = await pods(ctx, C1, 'details');
    assert.equal(list.length, 1, `${C1}: one details pod before the drill`);
    before = list[0];
  },
  async inject(ctx) {
    startedAt = Date.now();
    const drill = ctx.meshbridge(
      'drill',
      'start',
      'details.bookinfo',
      '--cluster',
      C1,
      '--duration',
      `${DRILL_SECONDS}s`,
    );
    // The drill moved the traffic: a page is served with cluster-2's details while it runs.
    await until(() => detailsFrom(ctx, C2), DRILL_SECONDS * 1000);
    return async () => {
      const printed = await drill;
      assert.match(printed, /ended after [\d.]+ s \(its duration passed\)/, printed);
      await until(() => detailsFrom(ctx, C1));
    };
  },
  async check(ctx) {
    const [after, ...others] = await pods(ctx, C1, 'details');
    assert.equal(others.length, 0, 'still one details pod');
    assert.equal(after?.uid, before?.uid, 'the same details pod');
    assert.deepEqual(after?.restarts, before?.restarts, 'no container restarted');
    assert.equal(after?.ready, true);
    assert.ok(before?.restarts[PROXY_CONTAINER] !== undefined, 'the pod has its sidecar');
    const deployment = JSON.parse(await ctx.get(C1, '/apis/apps/v1/namespaces/bookinfo/deployments/details-v1')) as {
      spec: { replicas: number };
    };
    assert.equal(deployment.spec.replicas, 1, 'the Deployment was not scaled');
    const service = JSON.parse(await ctx.get(C1, '/api/v1/namespaces/bookinfo/services/details')) as {
      metadata: { annotations?: Record<string, string> };
    };
    assert.ok(
      !Object.keys(service.metadata.annotations ?? {}).some((k) => k.startsWith('drill.meshbridge.io/')),
      'the drill annotations are gone',
    );
    // The flight recorder's episode reaches the management plane with its next pull.
    await eventually(
      'the drill episode in meshbridge history',
      async () => {
        const out = JSON.parse(await ctx.meshbridge('history', 'details.bookinfo', '--cluster', C1, '-o', 'json')) as {
          episodes: { startedAtMs: number; from: string; to: string; timeToFailbackMs?: number }[];
        };
        return out.episodes.find(
          (e) => e.startedAtMs >= startedAt - 1000 && e.to === C2 && e.timeToFailbackMs !== undefined,
        );
      },
      60_000,
    );
  },
};
