/**
 * Charts of benchmark rows: pure translations from BenchRow[] to vega-lite specs (the hop ladder as bars, the
 * control plane's growth curves as lines), and one impure step that compiles a spec with vega-lite and renders it to
 * SVG with vega, headless (renderer `none`: no canvas, no browser). Rows whose scenario or metric a chart does not
 * know are left out, not errors: a results file holds every scenario's rows and each chart picks its own.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import type { BenchRow } from './types.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** `hop-ladder/<rung>` (bench/scenarios/hop-ladder.ts). */
const HOP_SCENARIO = /^hop-ladder\/([A-Za-z0-9._-]+)$/;
/** `p50`, `p90`: the rung's own latency; `added_p50`: what it adds to the direct call, as the scenario measured it. */
const HOP_METRIC = /^(added_)?p(\d+(?:\.\d+)?)$/;
/** The rung every other one is compared with. */
const BASELINE_RUNG = 'direct';
/** Latency units the hop ladder may report in, as microseconds (its rows say `us`). */
const MICROSECONDS: Readonly<Record<string, number>> = { us: 1, µs: 1, ms: 1000, s: 1_000_000 };

/** `control-plane <N> services x <P> proxies (delta | state of the world)` (bench/control-plane.ts). */
const CONTROL_PLANE_SCENARIO =
  /^control-plane ([1-9]\d*) services x ([1-9]\d*) proxies \((delta|state of the world)\)$/;

/** One bar of the hop ladder: what a rung adds to the direct call at one percentile. */
export interface HopBar {
  rung: string;
  /** `p50`, `p90`, `p99`... */
  percentile: string;
  addedUs: number;
}

/** One point of a growth curve: a control-plane metric at one service count, for one protocol and proxy count. */
export interface GrowthPoint {
  metric: string;
  unit: string;
  services: number;
  proxies: number;
  protocol: 'delta' | 'state of the world';
  /** The line it belongs to: protocol and proxy count. */
  series: string;
  value: number;
}

/**
 * The hop ladder's bars, rungs in the order the rows first name them (the ladder's order), percentiles ascending.
 * A rung's `added_pNN` row is used as is (the scenario computes it from unrounded samples); without one, the added
 * latency is the rung's `pNN` minus the direct call's `pNN` from the same run, the scenario's own definition, so
 * every percentile the ladder reports gets a bar. Rows in units other than a time are left out.
 */
export function hopLadderBars(rows: readonly BenchRow[]): HopBar[] {
  const own = new Map<string, Map<string, number>>();
  const added = new Map<string, Map<string, number>>();
  const percentiles = new Set<number>();
  for (const row of rows) {
    const rung = HOP_SCENARIO.exec(row.scenario)?.[1];
    const metric = HOP_METRIC.exec(row.metric);
    const scale = MICROSECONDS[row.unit];
    if (rung === undefined || !metric || scale === undefined || !Number.isFinite(row.value)) continue;
    const percentile = `p${metric[2]}`;
    const into = metric[1] ? added : own;
    if (!into.has(rung)) into.set(rung, new Map());
    into.get(rung)!.set(percentile, row.value * scale);
    percentiles.add(Number(metric[2]));
    if (!own.has(rung)) own.set(rung, new Map());
  }
  const base = own.get(BASELINE_RUNG);
  const bars: HopBar[] = [];
  for (const [rung, values] of own) {
    if (rung === BASELINE_RUNG) continue;
    for (const p of [...percentiles].sort((a, b) => a - b)) {
      const percentile = `p${p}`;
      const measured = added.get(rung)?.get(percentile);
      const latency = values.get(percentile);
      const direct = base?.get(percentile);
      const addedUs = measured ?? (latency !== undefined && direct !== undefined ? latency - direct : undefined);
      // To 0.1 µs, the table's precision (a unit conversion or a difference would otherwise show float noise).
      if (addedUs !== undefined) bars.push({ rung, percentile, addedUs: Math.round(addedUs * 10) / 10 });
    }
  }
  return bars;
}

/**
 * The growth curves' points, in row order. A metric keeps the unit of its first row; a later row of the same metric
 * in another unit is left out (one panel has one y axis).
 */
export function growthPoints(rows: readonly BenchRow[]): GrowthPoint[] {
  const units = new Map<string, string>();
  const points: GrowthPoint[] = [];
  for (const row of rows) {
    const m = CONTROL_PLANE_SCENARIO.exec(row.scenario);
    if (!m || !Number.isFinite(row.value)) continue;
    if (!units.has(row.metric)) units.set(row.metric, row.unit);
    if (units.get(row.metric) !== row.unit) continue;
    const protocol = m[3] === 'delta' ? 'delta' : 'state of the world';
    const proxies = Number(m[2]);
    points.push({
      metric: row.metric,
      unit: row.unit,
      services: Number(m[1]),
      proxies,
      protocol,
      series: `${protocol}, ${proxies} proxies`,
      value: row.value,
    });
  }
  return points;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Horizontal bars of the added latency per rung, one bar per percentile; undefined when there are no bars. */
export function hopLadderSpec(rows: readonly BenchRow[]): TopLevelSpec | undefined {
  const bars = hopLadderBars(rows);
  if (bars.length === 0) return undefined;
  const percentiles = unique(bars.map((b) => b.percentile));
  return {
    $schema: SCHEMA,
    title: {
      text: 'Hop ladder: latency added to the direct call',
      subtitle: "each rung's percentile minus the direct call's, same run, interleaved rounds",
    },
    data: { values: bars },
    width: 420,
    height: { step: 12 },
    encoding: {
      y: {
        field: 'rung',
        type: 'nominal',
        sort: unique(bars.map((b) => b.rung)),
        // The rung names say what they are; a title would sit far off, past the widest estimated label.
        title: null,
        axis: { labelLimit: 300 },
      },
      yOffset: { field: 'percentile', type: 'nominal', sort: percentiles },
      x: { field: 'addedUs', type: 'quantitative', title: 'added latency (µs)' },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: { color: { field: 'percentile', type: 'nominal', sort: percentiles, title: 'percentile' } },
      },
      // The figure at the bar's end: the table's number without reading it off the axis.
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 9 },
        encoding: { text: { field: 'addedUs', type: 'quantitative', format: '.0f' } },
      },
    ],
  };
}

/** Options of {@link growthSpec}. */
export interface GrowthSpecOptions {
  /** The chart's title (which run it shows). */
  title?: string;
}

/**
 * One panel per control-plane metric: value against the service count (log scale, so 10 -> 100 -> 1,000 are even
 * steps), one line per protocol and proxy count; undefined when there are no points.
 */
export function growthSpec(rows: readonly BenchRow[], options: GrowthSpecOptions = {}): TopLevelSpec | undefined {
  const points = growthPoints(rows);
  if (points.length === 0) return undefined;
  const services = unique(points.map((p) => p.services)).sort((a, b) => a - b);
  const series = unique(points.map((p) => p.series));
  const metrics = unique(points.map((p) => p.metric));
  return {
    $schema: SCHEMA,
    title: {
      text: options.title ?? 'Control plane: growth with the number of services',
      subtitle: 'one line per protocol and proxy count',
    },
    data: { values: points },
    columns: 2,
    concat: metrics.map((metric) => ({
      title: { text: metric, fontSize: 11 },
      transform: [{ filter: { field: 'metric', equal: metric } }],
      width: 300,
      height: 150,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'services',
          type: 'quantitative',
          scale: { type: 'log' },
          axis: { values: services, format: 'd' },
          title: 'services',
        },
        y: { field: 'value', type: 'quantitative', title: points.find((p) => p.metric === metric)!.unit },
        color: {
          field: 'series',
          type: 'nominal',
          sort: series,
          title: 'protocol, proxies',
          // On top, whole: the default right-hand legend cuts "state of the world, 1000 proxies" short.
          legend: { orient: 'top', labelLimit: 400 },
        },
      },
    })),
  };
}

/**
 * Compiles a vega-lite spec and renders it to an SVG document, headless: the `none` renderer builds the scenegraph
 * without a canvas (text widths are estimated), and toSVG serialises it.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
