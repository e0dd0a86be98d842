/**
 * The benchmark charts (bench/lib/charts.ts): golden tests of the pure translation from rows to vega-lite specs, for
 * the fixed rows of `golden/chart-rows.yaml` beside `golden/<chart>.vl.json` (`REFRESH_GOLDEN=1` rewrites them;
 * review the diff), sentences about what the specs hold, and real renders through vega-lite and vega to SVG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  growthPoints,
  growthSpec,
  hopLadderBars,
  hopLadderSpec,
  renderSvg,
  type GrowthPoint,
} from '../../bench/lib/charts.js';
import type { BenchRow } from '../../bench/lib/types.js';

const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const REFRESH = process.env.REFRESH_GOLDEN === '1';
const rows = parse(readFileSync(`${GOLDEN}chart-rows.yaml`, 'utf8')) as BenchRow[];
const hopRows = rows.filter((r) => r.scenario.startsWith('hop-ladder'));
const growthRows = rows.filter((r) => !r.scenario.startsWith('hop-ladder'));

function assertGolden(name: string, spec: unknown): void {
  const path = `${GOLDEN}${name}.vl.json`;
  const text = JSON.stringify(spec, null, 2) + '\n';
  if (REFRESH || !existsSync(path)) {
    writeFileSync(path, text);
    if (!REFRESH) assert.fail(`wrote missing golden ${path}; review it and re-run`);
    return;
  }
  assert.equal(text, readFileSync(path, 'utf8'), `spec differs from ${path} (REFRESH_GOLDEN=1 to update)`);
}

/** The `<path>` marks of every mark group whose class contains `cls`, one array (of aria-labels) per group. */
function markGroups(svg: string, cls: string): string[][] {
  const groups = [...svg.matchAll(/<g class="([^"]*)"[^>]*>((?:<path[^>]*\/>|<text[^>]*>[^<]*<\/text>)*)<\/g>/g)];
  return groups
    .filter((g) => g[1]!.includes(cls))
    .map((g) => [...g[2]!.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!));
}

/** The texts of the SVG's axis titles. */
const axisTitles = (svg: string): string[] =>
  [...svg.matchAll(/<g class="mark-text role-axis-title"[^>]*><text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

test('the hop ladder spec of the fixed rows is the golden one', () => assertGolden('hop-ladder', hopLadderSpec(rows)));

test('the growth spec of the fixed rows is the golden one', () => assertGolden('growth', growthSpec(rows)));

// A bar per rung and percentile: the scenario's added_p50 where it gave one, else the rung's percentile minus the
// direct call's, in microseconds.
test('the hop ladder adds to the direct call per rung and percentile, in µs', () => {
  const spec = hopLadderSpec(rows) as unknown as {
    data: { values: unknown[] };
    encoding: Record<string, { field: string; type: string; sort?: string[]; title?: string }>;
    layer: { mark: { type: string }; encoding: Record<string, { field: string }> }[];
  };
  assert.deepEqual(spec.data.values, [
    { rung: 'node-proxy', percentile: 'p50', addedUs: 150.4 },
    { rung: 'node-proxy', percentile: 'p90', addedUs: 230 },
    { rung: 'nginx', percentile: 'p50', addedUs: 30 },
    { rung: 'nginx', percentile: 'p90', addedUs: 50 },
    { rung: '1-sidecar', percentile: 'p50', addedUs: 160.2 },
    { rung: '1-sidecar', percentile: 'p90', addedUs: 300 },
  ]);
  // Rungs in the ladder's order (not alphabetical), a bar per percentile side by side, the value along x.
  assert.deepEqual(spec.encoding.y, {
    field: 'rung',
    type: 'nominal',
    sort: ['node-proxy', 'nginx', '1-sidecar'],
    title: null,
    axis: { labelLimit: 300 },
  });
  assert.deepEqual(spec.encoding.yOffset, { field: 'percentile', type: 'nominal', sort: ['p50', 'p90'] });
  assert.deepEqual(spec.encoding.x, { field: 'addedUs', type: 'quantitative', title: 'added latency (µs)' });
  assert.deepEqual(
    spec.layer.map((l) => [l.mark.type, Object.keys(l.encoding)]),
    [
      ['bar', ['color']],
      ['text', ['text']],
    ],
  );
  assert.equal(spec.layer[0]!.encoding.color!.field, 'percentile');
});

test('growth: a panel per metric, value against log services, a line per protocol and proxy count', () => {
  const spec = growthSpec(rows) as unknown as {
    data: { values: GrowthPoint[] };
    concat: {
      title: { text: string };
      transform: unknown[];
      mark: unknown;
      encoding: Record<string, { field: string; type: string; scale?: unknown; axis?: unknown; title?: string }>;
    }[];
  };
  assert.deepEqual(
    spec.data.values.map((p) => [p.metric, p.series, p.services, p.value]),
    [
      ['initial sync (all proxies, 4 types)', 'delta, 50 proxies', 10, 240],
      ['heap per proxy', 'delta, 50 proxies', 10, 100],
      ['initial sync (all proxies, 4 types)', 'delta, 50 proxies', 100, 270],
      ['heap per proxy', 'delta, 50 proxies', 100, 80],
      ['initial sync (all proxies, 4 types)', 'state of the world, 50 proxies', 10, 70],
      ['initial sync (all proxies, 4 types)', 'state of the world, 50 proxies', 100, 250],
      ['initial sync (all proxies, 4 types)', 'delta, 1000 proxies', 1000, 2000],
    ],
  );
  assert.deepEqual(
    spec.concat.map((p) => [p.title.text, p.transform, p.encoding.y!.title]),
    [
      [
        'initial sync (all proxies, 4 types)',
        [{ filter: { field: 'metric', equal: 'initial sync (all proxies, 4 types)' } }],
        'ms',
      ],
      ['heap per proxy', [{ filter: { field: 'metric', equal: 'heap per proxy' } }], 'KiB'],
    ],
  );
  for (const panel of spec.concat) {
    assert.deepEqual(panel.mark, { type: 'line', point: true });
    assert.deepEqual(panel.encoding.x, {
      field: 'services',
      type: 'quantitative',
      scale: { type: 'log' },
      axis: { values: [10, 100, 1000], format: 'd' },
      title: 'services',
    });
    assert.deepEqual(panel.encoding.y, { field: 'value', type: 'quantitative', title: panel.encoding.y!.title });
    assert.deepEqual(panel.encoding.color, {
      field: 'series',
      type: 'nominal',
      sort: ['delta, 50 proxies', 'state of the world, 50 proxies', 'delta, 1000 proxies'],
      title: 'protocol, proxies',
      legend: { orient: 'top', labelLimit: 400 },
    });
  }
});

test('rows of other scenarios, metrics and units, and names that do not parse, are left out, not errors', () => {
  const strays = rows.filter(
    (r) =>
      r.unit === 'x' ||
      r.unit === 'req/s' ||
      r.scenario === 'hop-ladder' ||
      /incremental|ten services|^control-plane 0 |federation/.test(r.scenario),
  );
  assert.equal(strays.length, 8, 'the fixture has its eight stray rows');
  assert.deepEqual(hopLadderBars(strays), []);
  assert.deepEqual(growthPoints(strays), []);
  assert.deepEqual(hopLadderBars(hopRows), hopLadderBars(rows), 'rows of the other chart change nothing');
  assert.deepEqual(growthPoints(growthRows), growthPoints(rows), 'rows of the other chart change nothing');
  // A metric keeps its first row's unit: the heap in MiB after the heap in KiB is left out (one y axis per panel).
  assert.deepEqual(
    growthPoints(rows)
      .filter((p) => p.metric === 'heap per proxy')
      .map((p) => `${p.value} ${p.unit}`),
    ['100 KiB', '80 KiB'],
  );
});

test('no rows for a chart, no chart: the specs are undefined', () => {
  assert.equal(hopLadderSpec([]), undefined);
  assert.equal(growthSpec([]), undefined);
  assert.equal(hopLadderSpec(growthRows), undefined, 'control-plane rows draw no hop ladder');
  assert.equal(growthSpec(hopRows), undefined, 'hop-ladder rows draw no growth');
  // A ladder with only the direct call has nothing added to show.
  assert.equal(hopLadderSpec(hopRows.filter((r) => r.scenario === 'hop-ladder/direct')), undefined);
});

test('the hop ladder renders to an SVG: axis title, one bar and one label per rung and percentile', async (t) => {
  const warn = t.mock.method(console, 'warn');
  const svg = await renderSvg(hopLadderSpec(rows)!);
  assert.equal(warn.mock.callCount(), 0, 'vega-lite compiled the spec without warnings');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.deepEqual(axisTitles(svg), ['added latency (µs)'], 'the rung axis has its names, no title');
  for (const rung of ['node-proxy', 'nginx', '1-sidecar']) assert.ok(svg.includes(`>${rung}</text>`), rung);
  const [bars, ...rest] = markGroups(svg, 'mark-rect role-mark');
  assert.equal(rest.length, 0, 'one group of bars');
  assert.deepEqual(bars, [
    'added latency (µs): 150.4; rung: node-proxy; percentile: p50',
    'added latency (µs): 230; rung: node-proxy; percentile: p90',
    'added latency (µs): 30; rung: nginx; percentile: p50',
    'added latency (µs): 50; rung: nginx; percentile: p90',
    'added latency (µs): 160.2; rung: 1-sidecar; percentile: p50',
    'added latency (µs): 300; rung: 1-sidecar; percentile: p90',
  ]);
  const labels = [...svg.matchAll(/<g class="mark-text role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].flatMap((g) =>
    [...g[1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]),
  );
  assert.deepEqual(labels, ['150', '230', '30', '50', '160', '300']);
});

test('the growth renders to an SVG: a panel per metric, a line per series in it, a point per row', async (t) => {
  const warn = t.mock.method(console, 'warn');
  const svg = await renderSvg(growthSpec(rows)!);
  assert.equal(warn.mock.callCount(), 0, 'vega-lite compiled the spec without warnings');
  assert.match(svg, /^<svg /);
  assert.deepEqual(axisTitles(svg).sort(), ['KiB', 'ms', 'services', 'services']);
  for (const title of ['initial sync (all proxies, 4 types)', 'heap per proxy', 'protocol, proxies'])
    assert.ok(svg.includes(`>${title}</text>`), `the SVG shows "${title}"`);
  // Panel 0 (initial sync): three series, of 2 + 2 + 1 points; panel 1 (heap): one series of 2 points.
  const lines = (panel: number) => markGroups(svg, `mark-line role-mark concat_${panel}_layer_0_marks`);
  const points = (panel: number) => markGroups(svg, `mark-symbol role-mark concat_${panel}_layer_1_marks`).flat();
  assert.equal(lines(0).length, 3);
  assert.equal(lines(1).length, 1);
  assert.ok(
    lines(0).every((l) => l.length === 1),
    'one path per line',
  );
  assert.equal(points(0).length, 5);
  assert.equal(points(1).length, 2);
  assert.ok(points(1).includes('services: 100; KiB: 80; protocol, proxies: delta, 50 proxies'), points(1).join('\n'));
});
