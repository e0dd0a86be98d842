/**
 * Chaos case: a scheduled drill. The example FailoverDrill, applied through the management plane with its weekly
 * schedule replaced by one run a few seconds ahead, is run by the federation controller: product pages are served
 * with cluster-2's details during the run and with cluster-1's after it, no request fails, nothing was scaled, and
 * `meshbridge drill list` shows the run, ended as planned, with its report from productpage's flight recorder: a
 * client that failed over with 0 requests failed and came back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C1, C2 } from '../../../src/demo/walkthrough.js';
import { EXAMPLES } from '../../support/paths.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { eventually, until } from '../support.js';

const RUN_SECONDS = 6;
let dir: string | undefined;
let file = '';
let startAt = 0;

async function detailsFrom(ctx: ChaosContext, cluster: string): Promise<boolean> {
  const page = await ctx.page();
  return page.ok && page.detailsCluster === cluster;
}

interface Listed {
  drills: {
    id: string;
    drill?: string;
    cluster: string;
    startedAtMs: number;
    endedAtMs?: number;
    endReason?: string;
    report: {
      episodes: { from: string; to: string }[];
      requestsFailed: number;
      open: number;
      timeToFailbackMs?: number;
    };
  }[];
}

export const scheduledDrillCase: ChaosCase = {
  name:
    `a scheduled FailoverDrill (one ${RUN_SECONDS} s run) of details in cluster-1, run by the federation controller: ` +
    "pages get cluster-2's details during it and cluster-1's after, 0 failed requests, and `drill list` keeps the run " +
    'with its report',
  async prepare() {
    dir = mkdtempSync(join(tmpdir(), 'mb-scheduled-drill-'));
    file = join(dir, 'failover-drill.yaml');
  },
  async inject(ctx) {
    const example = readFileSync(join(EXAMPLES, 'failover-drill.yaml'), 'utf8');
    // Far enough ahead for the apply and the controller's next pass (every second) on a loaded machine.
    startAt = Math.ceil((Date.now() + 4000) / 1000) * 1000;
    const once = example
      .replace(/^ {2}schedule: .*$/m, `  startAt: ${new Date(startAt).toISOString()}`)
      .replace(/^ {2}duration: \S+$/m, `  duration: ${RUN_SECONDS}s`);
    assert.notEqual(once, example, 'the example has a schedule and a duration');
    writeFileSync(file, once);
    await ctx.meshbridge('apply', '-f', file);
    await until(() => detailsFrom(ctx, C2), 20_000).catch(async (err: Error) => {
      // What the controller and the cluster said, for whoever reads the failure.
      const status = await ctx.meshbridge('status').catch((e: Error) => e.message);
      const svc = await ctx.get(C1, '/api/v1/namespaces/bookinfo/services/details').catch((e: Error) => e.message);
      throw new Error(`${err.message}\nstatus:\n${status}\nservice: ${svc}`);
    });
    return () => until(() => Date.now() > startAt + RUN_SECONDS * 1000 && detailsFrom(ctx, C1), 30_000);
  },
  async check(ctx) {
    // The run and its report: the management plane pulls the recorders every 2 s.
    const run = await eventually(
      'the run, ended, with a closed episode of a client in cluster-1',
      async () => {
        const listed = JSON.parse(await ctx.meshbridge('drill', 'list', 'details.bookinfo', '-o', 'json')) as Listed;
        const mine = listed.drills.find((d) => d.drill?.endsWith('/failoverdrills/details-weekly'));
        return mine?.endedAtMs !== undefined && mine.report.episodes.length > 0 && mine.report.open === 0
          ? mine
          : undefined;
      },
      20_000,
    );
    process.stdout.write(
      `# scheduled drill: ${JSON.stringify({ ...run, report: { ...run.report, episodes: run.report.episodes.length } })}\n`,
    );
    assert.equal(run.cluster, C1);
    assert.equal(run.startedAtMs, startAt, 'the run started at its startAt');
    assert.equal(run.endReason, 'its duration passed');
    assert.equal(run.report.requestsFailed, 0);
    assert.ok(run.report.timeToFailbackMs !== undefined, 'its clients came back');
    assert.deepEqual([...new Set(run.report.episodes.map((e) => `${e.from}->${e.to}`))], [`${C1}->${C2}`]);
    const table = await ctx.meshbridge('drill', 'list', 'details.bookinfo', '--cluster', C1);
    assert.match(
      table,
      new RegExp(
        `${run.id}\\s+details\\.bookinfo\\s+${C1}\\s+details-weekly\\s+\\d+\\s+\\S+\\s+0\\s+\\S+\\s+ended \\(its duration passed\\)`,
      ),
      table,
    );
    const deployment = JSON.parse(await ctx.get(C1, '/apis/apps/v1/namespaces/bookinfo/deployments/details-v1')) as {
      spec: { replicas: number };
    };
    assert.equal(deployment.spec.replicas, 1, 'the Deployment was not scaled');
  },
  async restore(ctx) {
    if (file) await ctx.meshbridge('delete', '-f', file).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
};
