/**
 * Chaos case: a failover drill. `meshbridge drill start details.bookinfo --cluster cluster-1 --duration 5s` drains
 * cluster-1's details at the mesh level (EDS DRAINING): product pages are served with cluster-2's details during
 * the drill and with cluster-1's after it, the details pod is never touched (same pod, no restart, one replica),
 * no request fails, and the CLI prints the drill's report: the episode productpage's sidecar recorded, from
 * cluster-1 to cluster-2 with 0 failed and its failback. Recovery is the time until pages are served with
 * cluster-1's details again.
 */
import assert from 'node:assert/strict';
import { C1, C2 } from '../../../src/demo/walkthrough.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { until } from '../support.js';
import { pods, PROXY_CONTAINER, type PodView } from './topology.js';

const DRILL_SECONDS = 5;
let before: PodView | undefined;
let drill: Promise<string> | undefined;

async function detailsFrom(ctx: ChaosContext, cluster: string): Promise<boolean> {
  const page = await ctx.page();
  return page.ok && page.detailsCluster === cluster;
}

export const drillCase: ChaosCase = {
  name:
    `a ${DRILL_SECONDS} s drill of details in cluster-1 (meshbridge drill start): pages get cluster-2's details ` +
    "during it and cluster-1's after, the pod untouched, 0 failed requests, and the CLI prints the drill's report",
  async prepare(ctx) {
    const list = await pods(ctx, C1, 'details');
    assert.equal(list.length, 1, `${C1}: one details pod before the drill`);
    before = list[0];
  },
  async inject(ctx) {
    const run = ctx.meshbridge(
      'drill',
      'start',
      'details.bookinfo',
      '--cluster',
      C1,
      '--duration',
      `${DRILL_SECONDS}s`,
    );
    // Awaited by check(); a failure before that must not go unhandled.
    run.catch(() => undefined);
    drill = run;
    // The drill moved the traffic: a page is served with cluster-2's details while it runs.
    // The CLI itself takes a second or more to start on a busy machine: the drill is seen within its first 15 s.
    await until(() => detailsFrom(ctx, C2), 15_000);
    // Back home: during the drill every page gets cluster-2's details, so one from cluster-1 means it ended.
    return () => until(() => detailsFrom(ctx, C1));
  },
  async check(ctx) {
    // The CLI's report: the episode productpage's sidecar recorded, read back from the management plane.
    const printed = (await drill) ?? '';
    process.stdout.write(`${printed.trimEnd().replace(/^/gm, '# drill: ')}\n`);
    assert.match(printed, /ended after [\d.]+ s \(its duration passed\)/, printed);
    assert.match(printed, /drill report \(details\.bookinfo, clients in cluster-1\):/, printed);
    const row = printed.split('\n').find((l) => /^\d{4}-\d\d-\d\dT/.test(l));
    assert.ok(row, `the report has the episode's row:\n${printed}`);
    assert.match(
      row,
      new RegExp(`\\s${C1}\\s+${C2}\\s+\\S+\\s+0\\s+\\d`),
      'from cluster-1 to cluster-2, 0 failed, a failback',
    );
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
  },
};
