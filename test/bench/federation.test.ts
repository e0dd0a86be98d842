/**
 * The federation benchmark runs end to end at a tiny size: its clusters' API servers live in a child process
 * (bench/lib/federation-clusters.ts), the controller syncs every generated object, and a gateway change reaches
 * every object naming the old address. Figures are not judged here (machines differ); `npm run bench` reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measure } from '../../bench/federation.js';

test(
  'federation bench: 6 services x 3 clusters in a child process, one gateway change',
  { timeout: 120_000 },
  async () => {
    const rows = await measure(6, 3, 1);
    const value = (metric: string): number => {
      const r = rows.find((x) => x.metric === metric);
      assert.ok(r, `row ${metric}`);
      return r.value;
    };
    // One generated object per service in each cluster: a WorkloadEntry where it runs, a ServiceEntry where not.
    assert.equal(value('generated objects'), 18);
    // Cluster 0's gateway fronts the services that run there (i mod 3 = 0 or 2): each is named in both other clusters.
    assert.equal(value('objects updated per change'), 8);
    for (const m of [
      'initial sync',
      'gateway change -> object updated p50',
      'gateway change -> object updated p99',
      'gateway change -> last object updated',
    ]) {
      const v = value(m);
      assert.ok(Number.isFinite(v) && v >= 0 && v < 60_000, `${m} = ${v}`);
    }
    assert.ok(value('gateway change -> object updated p50') <= value('gateway change -> last object updated'));
  },
);
