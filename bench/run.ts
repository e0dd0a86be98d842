/**
 * Benchmark runner: `npm run bench [-- name...]` runs every scenario (or the named ones) in this process, one
 * after the other, and writes `bench/results/latest.json` (an array of {scenario, metric, value, unit, ratio})
 * and `bench/results/latest.md` (the same as a table, with the machine it ran on), with charts beside them
 * (`hop-ladder.svg`, `growth.svg`: bench/lib/chart-files.ts) linked above the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './lib/types.js';
import { SCENARIOS } from './scenarios/index.js';

const only = process.argv.slice(2);
const selected = SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name));
if (selected.length === 0) {
  console.error(`no scenario matches ${only.join(' ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const rows: BenchRow[] = [];
const t0 = Date.now();
// The machine is shared: record how busy it was, since absolute figures move with it (ratios less so).
const loadBefore = os.loadavg()[0] ?? 0;
for (const s of selected) {
  const start = Date.now();
  process.stdout.write(`running ${s.name}: ${s.description}\n`);
  const out = await s.run();
  rows.push(...out);
  for (const r of out)
    process.stdout.write(
      `  ${r.scenario} ${r.metric} = ${r.value} ${r.unit}${r.ratio === null ? '' : ` (x${r.ratio})`}\n`,
    );
  process.stdout.write(`  (${((Date.now() - start) / 1000).toFixed(1)} s)\n`);
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
const jsonPath = join(dir, 'latest.json');
writeFileSync(jsonPath, JSON.stringify(rows, null, 2) + '\n');
// Loaded only now so the plotting library is not in the heap the scenarios measure.
const { withChartLinks, writeCharts } = await import('./lib/chart-files.js');
const charts = await writeCharts(jsonPath, rows);
const md = [
  '# Benchmark results',
  '',
  `Run ${new Date().toISOString()} on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ` +
    `${((Date.now() - t0) / 1000).toFixed(0)} s, 1-minute load average ${loadBefore.toFixed(1)} before and ` +
    `${(os.loadavg()[0] ?? 0).toFixed(1)} after. Ratios are to the same run's baseline (direct call, bare http.Server; failover times: the per-try idle timeout).`,
  '',
  '| scenario | metric | value | unit | ratio |',
  '| --- | --- | ---: | --- | ---: |',
  ...rows.map((r) => `| ${r.scenario} | ${r.metric} | ${r.value} | ${r.unit} | ${r.ratio ?? ''} |`),
  '',
].join('\n');
writeFileSync(join(dir, 'latest.md'), withChartLinks(md, charts));
process.stdout.write(`wrote ${[jsonPath, 'latest.md', ...charts.map((c) => basename(c.path))].join(', ')}\n`);
