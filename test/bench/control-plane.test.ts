/**
 * The control-plane scale benchmark runs end to end at a tiny size: its proxies are real ADS streams from child
 * processes (bench/lib/ads-client-process.ts), every proxy syncs all four types and sees each change, and the rows
 * the charts read come out named and finite. Figures are not judged here (machines differ); `npm run bench` is
 * where they are read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runControlPlaneBench } from '../../bench/control-plane.js';

for (const protocol of ['delta', 'sotw'] as const) {
  test(
    `control-plane bench, ${protocol}: 3 and 6 services x 4 proxies in a child process`,
    { timeout: 120_000 },
    async () => {
      const rows = await runControlPlaneBench([3, 6], 4, 2, protocol);
      const label = protocol === 'delta' ? 'delta' : 'state of the world';
      assert.deepEqual(
        [...new Set(rows.map((r) => r.scenario))],
        [`control-plane 3 services x 4 proxies (${label})`, `control-plane 6 services x 4 proxies (${label})`],
      );
      const metrics = rows.filter((r) => r.scenario.startsWith('control-plane 6 ')).map((r) => r.metric);
      for (const m of [
        'initial sync (all proxies, 4 types)',
        'initial sync from the transport floor (same bytes, no control plane)',
        'initial sync / transport floor',
        'control-plane CPU per proxy synced',
        'change -> every proxy has EDS, p99',
        'control-plane work per change (rebuild + push)',
        'change -> last ACK (control plane histogram), p99',
        'control-plane heap per proxy',
      ])
        assert.ok(metrics.includes(m), `row ${m}`);
      // Heap needs a forced collection (`node --expose-gc`, as the bench scripts run); without it the row is NaN.
      const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';
      for (const r of rows) {
        if (r.metric === 'control-plane heap per proxy' && !gc) {
          assert.ok(Number.isNaN(r.value), 'no heap figure without a forced collection');
          continue;
        }
        assert.ok(Number.isFinite(r.value), `${r.scenario} ${r.metric} = ${r.value}`);
        if (r.unit === 'ms') assert.ok(r.value >= 0 && r.value < 60_000, `${r.metric} = ${r.value} ms`);
      }
      const p99 = rows.find((r) => r.metric === 'change -> every proxy has EDS, p99');
      assert.ok(p99 && p99.value > 0, 'a change reached the proxies in a measured time');
    },
  );
}
