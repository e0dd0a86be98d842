/**
 * Chaos case: a remote copy dies behind a live gateway. cluster-2's details is scaled to 0 while cluster-1's
 * serves: no request needs cluster-2, yet cluster-1's prober finds out through cluster-2's East-West gateway, and
 * every entry cluster-1 has for cluster-2's details turns `Healthy=False` with reason `RemoteServiceUnavailable`
 * (so the mesh sends them UNHEALTHY and no client would try them), `meshbridge explain` says "remote service down"
 * and names the local copy as what serves; pages keep working, 0 failed. Scaled back, the entries recover.
 */
import assert from 'node:assert/strict';
import { C1, C2 } from '../../../src/demo/walkthrough.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { until } from '../support.js';

const ENTRIES = '/apis/networking.istio.io/v1/namespaces/bookinfo/workloadentries';
let faultAt = NaN;
let detectedMs = NaN;
let explained = '';

interface EntryJson {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

/** cluster-1's entries for cluster-2's details, with their Healthy condition. */
async function detailsEntries(ctx: ChaosContext): Promise<{ name: string; status?: string; reason?: string }[]> {
  const list = JSON.parse(await ctx.get(C1, ENTRIES)) as { items: EntryJson[] };
  return list.items
    .filter((e) => e.metadata.name.startsWith('k-details-'))
    .map((e) => {
      const c = e.status?.conditions?.find((x) => x.type === 'Healthy');
      return { name: e.metadata.name, ...(c ? { status: c.status, ...(c.reason ? { reason: c.reason } : {}) } : {}) };
    });
}

const all = async (ctx: ChaosContext, status: 'True' | 'False'): Promise<boolean> => {
  const entries = await detailsEntries(ctx);
  return entries.length > 0 && entries.every((e) => e.status === status);
};

export const remoteProbeCase: ChaosCase = {
  name:
    "cluster-2's details scaled to 0 behind its live gateway: cluster-1's prober marks every entry for it " +
    'Healthy=False (RemoteServiceUnavailable) with no request needing it, explain says "remote service down", ' +
    '0 failed requests, and the entries recover when it is back',
  async prepare(ctx) {
    await until(() => all(ctx, 'True'), 20_000);
    // cluster-1's own details serves (no ejection or hold left by an earlier case): the fault must not matter.
    await until(async () => {
      const page = await ctx.page();
      return page.ok && page.detailsCluster === C1;
    }, 30_000);
  },
  async inject(ctx) {
    faultAt = Date.now();
    await ctx.kubectl(C2, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=0');
    await until(() => all(ctx, 'False'), 20_000);
    detectedMs = Date.now() - faultAt;
    const entries = await detailsEntries(ctx);
    assert.deepEqual([...new Set(entries.map((e) => e.reason))], ['RemoteServiceUnavailable'], JSON.stringify(entries));
    explained = await ctx.meshbridge('explain', 'failover', 'details.bookinfo', '--from', C1);
    await ctx.kubectl(C2, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=1');
    return () => until(() => all(ctx, 'True'), 60_000);
  },
  async check() {
    process.stdout.write(`# remote probe: every entry unhealthy ${detectedMs} ms after the scale to 0\n`);
    process.stdout.write(`${explained.trimEnd().replace(/^/gm, '# explain: ')}\n`);
    // Two failed rounds at the default 2 s interval, each probe cut at 2 s at most, plus the scale itself.
    assert.ok(detectedMs < 15_000, `detected after ${detectedMs} ms`);
    assert.match(explained, /remote service down/);
    assert.match(explained, /cluster-2's entries fail their probes/);
  },
  async restore(ctx) {
    await ctx.kubectl(C2, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=1');
  },
};
