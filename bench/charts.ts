/**
 * Redraws the charts of saved benchmark results without running the benchmark:
 * `npm run bench:charts` (or `node --import tsx bench/charts.ts [results.json...]`). With no argument it redraws
 * `bench/results/latest.json` and, when present, `bench/results/scale.json`. Each file's charts go beside it
 * (bench/lib/chart-files.ts), and a Markdown report of the same name beside it (`latest.md`) gets its image links
 * updated, so the committed charts can always be regenerated from the committed JSON.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRows, withChartLinks, writeCharts } from './lib/chart-files.js';

const results = join(dirname(fileURLToPath(import.meta.url)), 'results');
const args = process.argv.slice(2).map((a) => resolve(a));
const files = args.length > 0 ? args : [join(results, 'latest.json'), join(results, 'scale.json')].filter(existsSync);

let status = 0;
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`${file}: no such results file`);
    status = 1;
    continue;
  }
  const { rows, skipped } = readRows(file);
  const charts = await writeCharts(file, rows);
  const report = file.replace(/\.json$/, '.md');
  if (report !== file && existsSync(report))
    writeFileSync(report, withChartLinks(readFileSync(report, 'utf8'), charts));
  const drawn = charts.length > 0 ? charts.map((c) => basename(c.path)).join(', ') : 'no chart (no rows for one)';
  console.log(`${file}: ${rows.length} rows${skipped ? ` (${skipped} entries not rows, left out)` : ''} -> ${drawn}`);
}
process.exitCode = status;
