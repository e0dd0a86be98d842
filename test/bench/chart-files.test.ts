/**
 * The benchmark charts on disk (bench/lib/chart-files.ts, bench/lib/scale-results.ts, bench/charts.ts): which SVG
 * sits beside which results file, stale charts removed, the report's image links, the full grid merged across the
 * two protocol runs of `npm run bench:scale`, and the re-render command run as a real process on saved JSON.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartPath, readRows, withChartLinks, writeCharts } from '../../bench/lib/chart-files.js';
import { mergeRows, writeScaleResults } from '../../bench/lib/scale-results.js';
import type { BenchRow } from '../../bench/lib/types.js';
import { REPO_ROOT } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'meshbridge-charts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cp = (services: number, protocol: string, metric: string, value: number): BenchRow => ({
  scenario: `control-plane ${services} services x 1000 proxies (${protocol})`,
  metric,
  value,
  unit: 'ms',
  ratio: null,
});
const hop = (rung: string, metric: string, value: number): BenchRow => ({
  scenario: `hop-ladder/${rung}`,
  metric,
  value,
  unit: 'us',
  ratio: null,
});

test('latest.json has hop-ladder.svg and growth.svg beside it; any other results file prefixes its name', () => {
  assert.equal(chartPath('/r/latest.json', 'hop-ladder'), '/r/hop-ladder.svg');
  assert.equal(chartPath('/r/latest.json', 'growth'), '/r/growth.svg');
  assert.equal(chartPath('/r/scale.json', 'growth'), '/r/scale-growth.svg');
});

test('the charts with rows are written and a chart without rows is removed, so none shows an older run', async () => {
  const json = join(dir, 'latest.json');
  writeFileSync(join(dir, 'hop-ladder.svg'), '<svg>an older run</svg>');
  const written = await writeCharts(json, [cp(10, 'delta', 'p99', 20), cp(100, 'delta', 'p99', 25)]);
  assert.deepEqual(
    written.map((c) => c.path),
    [join(dir, 'growth.svg')],
  );
  assert.match(readFileSync(join(dir, 'growth.svg'), 'utf8'), /^<svg [^>]*>.*<\/svg>\n$/s);
  assert.equal(existsSync(join(dir, 'hop-ladder.svg')), false);
});

test('the report links each chart above its table, and relinking replaces the links instead of adding more', () => {
  const md = '# Benchmark results\n\nRun on a laptop.\n\n| scenario | metric |\n| --- | --- |\n| a | b |\n';
  const charts = [
    { path: '/r/hop-ladder.svg', alt: 'Hop ladder' },
    { path: '/r/growth.svg', alt: 'Growth' },
  ];
  const linked = withChartLinks(md, charts);
  assert.equal(
    linked,
    '# Benchmark results\n\nRun on a laptop.\n\n![Hop ladder](hop-ladder.svg)\n\n![Growth](growth.svg)\n\n' +
      '| scenario | metric |\n| --- | --- |\n| a | b |\n',
  );
  assert.equal(withChartLinks(linked, charts), linked);
  assert.equal(
    withChartLinks(linked, charts.slice(1)),
    md.replace('| scenario', '![Growth](growth.svg)\n\n| scenario'),
  );
  assert.equal(withChartLinks(linked, []), md);
  // A report without a table gets them at its end, as stably.
  const bare = withChartLinks('# Notes\n', charts.slice(1));
  assert.equal(bare, '# Notes\n\n![Growth](growth.svg)\n\n');
  assert.equal(withChartLinks(bare, charts.slice(1)), bare);
});

test('a results file is read as its rows, other entries left out; one that is not an array is refused', () => {
  const json = join(dir, 'mixed.json');
  writeFileSync(json, JSON.stringify([cp(10, 'delta', 'p99', 1), { scenario: 'x', value: '1' }, null]));
  assert.deepEqual(readRows(json), { rows: [cp(10, 'delta', 'p99', 1)], skipped: 2 });
  assert.deepEqual(readRows(join(dir, 'absent.json')), { rows: [], skipped: 0 });
  writeFileSync(join(dir, 'object.json'), '{"rows": []}');
  assert.throws(() => readRows(join(dir, 'object.json')), /object\.json: expected a JSON array/);
});

test('a rerun replaces the rows of the cases it measured, in place, and keeps the others', () => {
  const saved = [cp(10, 'delta', 'a', 1), cp(10, 'delta', 'b', 2), cp(10, 'state of the world', 'a', 3)];
  const fresh = [cp(10, 'delta', 'a', 10), cp(10, 'delta', 'b', 20), cp(100, 'delta', 'a', 30)];
  assert.deepEqual(
    mergeRows(saved, fresh).map((r) => r.value),
    [10, 20, 3, 30],
  );
});

test('the two protocol runs of bench:scale end in one scale.json, and scale-growth.svg draws both', async () => {
  const json = join(dir, 'scale.json');
  await writeScaleResults([cp(10, 'delta', 'p99', 20), cp(100, 'delta', 'p99', 25)], json);
  const paths = await writeScaleResults(
    [cp(10, 'state of the world', 'p99', 15), cp(100, 'state of the world', 'p99', 30)],
    json,
  );
  assert.deepEqual(paths, [json, join(dir, 'scale-growth.svg')]);
  assert.deepEqual(
    readRows(json).rows.map((r) => r.value),
    [20, 25, 15, 30],
  );
  const svg = readFileSync(join(dir, 'scale-growth.svg'), 'utf8');
  assert.equal([...svg.matchAll(/aria-roledescription="line mark"/g)].length, 2);
  assert.ok(svg.includes('services: 100; ms: 30; protocol, proxies: state of the world, 1000 proxies'));
});

test('npm run bench:charts redraws the charts of saved results and links them in the report beside them', () => {
  const sub = mkdtempSync(join(dir, 'cli-'));
  const json = join(sub, 'latest.json');
  writeFileSync(json, JSON.stringify([hop('direct', 'p50', 40), hop('nginx', 'p50', 70), cp(10, 'delta', 'p99', 2)]));
  writeFileSync(join(sub, 'latest.md'), '# Benchmark results\n\n| scenario |\n| --- |\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/charts.ts', json], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `${json}: 3 rows -> hop-ladder.svg, growth.svg\n`);
  assert.match(
    readFileSync(join(sub, 'hop-ladder.svg'), 'utf8'),
    /added latency \(µs\): 30; rung: nginx; percentile: p50/,
  );
  assert.ok(existsSync(join(sub, 'growth.svg')));
  assert.match(
    readFileSync(join(sub, 'latest.md'), 'utf8'),
    /\]\(hop-ladder\.svg\)\n\n!\[[^\]]+\]\(growth\.svg\)\n\n\| scenario/,
  );
  const missing = spawnSync(process.execPath, ['--import', 'tsx', 'bench/charts.ts', join(sub, 'none.json')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /none\.json: no such results file/);
});
