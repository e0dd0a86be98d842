/**
 * Chaos case: failback hysteresis. With the example FailoverPolicy for details (applied through the management
 * plane, shortened to a 4 s failbackDelay and an 8 s failbackRamp), a drill moves details to cluster-2 and
 * `meshbridge drill stop` ends it: cluster-1's details pod is healthy again at once, yet productpage's sidecar
 * keeps sending details to cluster-2 for the delay, then shifts the load back over the ramp (pages served by both
 * clusters for a while), and finally only by cluster-1. No request fails. Without the policy the drill case's
 * pages come home within a second of the drill's end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C1, C2 } from '../../../src/demo/walkthrough.js';
import type { Sample } from '../../../src/demo/load.js';
import { FAILOVER_ANNOTATIONS } from '../../../src/api/index.js';
import { EXAMPLES } from '../../support/paths.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { eventually, until } from '../support.js';

const DELAY_MS = 4000;
const RAMP_MS = 8000;
const RULE = '/apis/networking.istio.io/v1/namespaces/bookinfo/destinationrules/meshbridge-failover-details';

let dir: string | undefined;
let policyFile = '';
let drill: Promise<string> | undefined;
let stoppedAt = NaN;
const samples: Sample[] = [];
let sampling: Promise<void> | undefined;
let sample = false;

async function annotations(ctx: ChaosContext): Promise<Record<string, string>> {
  const rule = JSON.parse(await ctx.get(C1, RULE)) as { metadata: { annotations?: Record<string, string> } };
  return rule.metadata.annotations ?? {};
}

async function detailsFrom(ctx: ChaosContext, cluster: string): Promise<boolean> {
  const page = await ctx.page();
  return page.ok && page.detailsCluster === cluster;
}

/**
 * A page every 300 ms, outside the steady load, each with the cluster that served details. Sparse on purpose: every
 * page is four mTLS hops, and a 2-core machine under the steady load has little to spare (at a page every 100 ms a
 * CI run's pages timed out).
 */
async function samplePages(ctx: ChaosContext): Promise<void> {
  while (sample) {
    samples.push(await ctx.page());
    await new Promise((r) => setTimeout(r, 300));
  }
}

export const failbackPolicyCase: ChaosCase = {
  name:
    `with a FailoverPolicy (failbackDelay ${DELAY_MS / 1000}s, failbackRamp ${RAMP_MS / 1000}s), the end of a drill ` +
    "of details in cluster-1 brings pages back to cluster-1's details only after the delay and over the ramp, " +
    '0 failed requests',
  async prepare(ctx) {
    dir = mkdtempSync(join(tmpdir(), 'mb-failback-'));
    policyFile = join(dir, 'failover-policy.yaml');
    const example = readFileSync(join(EXAMPLES, 'failover-policy.yaml'), 'utf8');
    const shortened = example
      .replace(/failbackDelay: \S+/, `failbackDelay: ${DELAY_MS / 1000}s`)
      .replace(/failbackRamp: \S+/, `failbackRamp: ${RAMP_MS / 1000}s`);
    assert.notEqual(shortened, example, 'the example sets failbackDelay and failbackRamp');
    writeFileSync(policyFile, shortened);
    await ctx.meshbridge('apply', '-f', policyFile);
    // The federation writes the policy into cluster-1's DestinationRule for details; the mesh pushes it at once.
    await eventually(
      "the policy in cluster-1's DestinationRule for details",
      async () =>
        (await annotations(ctx))[FAILOVER_ANNOTATIONS.failbackDelay] === `${DELAY_MS / 1000}s` ? true : undefined,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
  },
  async inject(ctx) {
    const run = ctx.meshbridge('drill', 'start', 'details.bookinfo', '--cluster', C1, '--duration', '60s');
    run.catch(() => undefined);
    drill = run;
    await until(() => detailsFrom(ctx, C2), 15_000);
    await ctx.meshbridge('drill', 'stop', 'details.bookinfo', '--cluster', C1);
    stoppedAt = Date.now();
    sample = true;
    sampling = samplePages(ctx);
    // Recovered: ten pages in a row with cluster-1's details.
    return () =>
      until(() => samples.length >= 10 && samples.slice(-10).every((s) => s.ok && s.detailsCluster === C1), 30_000);
  },
  async check() {
    sample = false;
    await sampling;
    await drill?.catch(() => undefined);
    const after = samples.filter((s) => s.at >= stoppedAt);
    const line = after.map((s) => `${s.at - stoppedAt}:${s.ok ? (s.detailsCluster ?? '?') : 'failed'}`).join(' ');
    process.stdout.write(`# failback samples (ms after drill stop:cluster): ${line}\n`);
    const firstLocal = after.find((s) => s.ok && s.detailsCluster === C1);
    assert.ok(firstLocal, 'pages came back to cluster-1');
    const heldMs = firstLocal.at - stoppedAt;
    // The sidecar counts the delay from the EDS push that follows the stop; a page's time is when it was sent.
    assert.ok(
      heldMs >= DELAY_MS - 500,
      `first page from cluster-1 ${heldMs} ms after the drill stopped (delay ${DELAY_MS} ms)`,
    );
    const lastRemote = [...after].reverse().find((s) => s.ok && s.detailsCluster === C2);
    assert.ok(lastRemote && lastRemote.at > firstLocal.at, 'during the ramp both clusters served details');
    const mixed = after.filter((s) => s.at >= firstLocal.at && s.at <= lastRemote.at);
    process.stdout.write(
      `# failback: held ${heldMs} ms, ramp window ${lastRemote.at - firstLocal.at} ms with ${mixed.filter((s) => s.detailsCluster === C2).length} of ${mixed.length} pages from ${C2}\n`,
    );
    assert.ok(lastRemote.at - firstLocal.at <= RAMP_MS + 1500, 'the ramp ends within its time');
    assert.deepEqual(
      after.filter((s) => !s.ok).map((s) => s.error),
      [],
      'no page failed',
    );
  },
  async restore(ctx) {
    sample = false;
    await sampling;
    if (policyFile) await ctx.meshbridge('delete', '-f', policyFile, '--ignore-not-found');
    if (dir) rmSync(dir, { recursive: true, force: true });
    await eventually(
      "the policy gone from cluster-1's DestinationRule",
      async () => (FAILOVER_ANNOTATIONS.failbackDelay in (await annotations(ctx)) ? undefined : true),
      30_000,
    );
  },
};
