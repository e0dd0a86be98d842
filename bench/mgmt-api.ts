/**
 * Management-plane API figures, SQLite and PostgreSQL side by side in one run (the machine is shared: compare the
 * columns, not runs): apply latency (one changed WorkspaceSetting per request), snapshot long-poll wake-up after an
 * apply, and a full snapshot read with 1000 objects. Run: `node --import tsx bench/mgmt-api.ts`.
 * Durability differs: SQLite commits with `synchronous=FULL` (an fsync per apply) while the throwaway PostgreSQL
 * of the tests runs with `fsync=off` (set MESHBRIDGE_TEST_PG_URL to measure a durable server).
 */
import { performance } from 'node:perf_hooks';
import { startTestPostgres } from '../test/mgmt/support/postgres.js';
import { call, org, startTestMgmt, tenant, workspace, wsSetting } from '../test/mgmt/support/harness.js';

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function measure(store: string | undefined): Promise<Record<string, number>> {
  const m = await startTestMgmt(store === undefined ? {} : { store });
  try {
    const token = m.adminToken;
    const apply = (objects: unknown[]) => call(m.url, 'POST', '/v2/apply', { token, body: { objects } });
    await apply([org('o'), tenant('o', 't'), workspace('o', 't', 'w')]);
    const applyMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      const r = await apply([wsSetting('o', 't', 'w', 's', `gw-${i}`)]);
      applyMs.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(r.text);
    }
    const wakeMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const { revision } = (await call(m.url, 'GET', '/v2/snapshot', { token })).json as { revision: number };
      const poll = call(m.url, 'GET', `/v2/snapshot?after=${revision}&wait=30`, { token });
      while (m.running.deps.notifier.pending === 0) await new Promise((r) => setImmediate(r));
      await apply([wsSetting('o', 't', 'w', 's', `wake-${i}`)]);
      const t0 = performance.now();
      await poll;
      wakeMs.push(performance.now() - t0);
    }
    await apply(Array.from({ length: 1000 }, (_, i) => wsSetting('o', 't', 'w', `bulk-${i}`)));
    const snapMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await call(m.url, 'GET', '/v2/snapshot', { token });
      snapMs.push(performance.now() - t0);
    }
    return {
      'apply p50 ms': pct(applyMs, 50),
      'apply p99 ms': pct(applyMs, 99),
      'long-poll wake after apply reply p50 ms': pct(wakeMs, 50),
      'snapshot of 1004 objects p50 ms': pct(snapMs, 50),
    };
  } finally {
    await m.close();
  }
}

const pg = await startTestPostgres();
try {
  const sqlite = await measure(undefined);
  const postgres = await measure(await pg.createDatabase());
  console.log('| figure | SQLite | PostgreSQL | PostgreSQL / SQLite |\n| --- | --- | --- | --- |');
  for (const key of Object.keys(sqlite)) {
    const a = sqlite[key] ?? NaN;
    const b = postgres[key] ?? NaN;
    console.log(`| ${key} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(b / a).toFixed(2)} |`);
  }
} finally {
  await pg.stop();
}
