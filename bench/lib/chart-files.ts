/**
 * Which charts are drawn beside a results file, where they go, and how the Markdown report links them. Shared by the
 * runner (bench/run.ts), the re-render command (bench/charts.ts) and the control plane's full grid
 * (bench/lib/scale-results.ts), so the three name and link the same files.
 *
 * `latest.json` gets `hop-ladder.svg` and `growth.svg`; any other `<name>.json` gets `<name>-hop-ladder.svg` and
 * `<name>-growth.svg` (so `scale.json` gets `scale-growth.svg`).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { growthSpec, hopLadderSpec, renderSvg } from './charts.js';
import type { BenchRow } from './types.js';

/** One chart a results file may have. */
interface ChartKind {
  /** The file name's suffix: `<prefix>hop-ladder.svg`. */
  name: string;
  /** The image's alt text in the Markdown report. */
  alt: string;
  spec(rows: readonly BenchRow[]): TopLevelSpec | undefined;
}

const CHARTS: readonly ChartKind[] = [
  { name: 'hop-ladder', alt: 'Hop ladder: latency each rung adds to the direct call', spec: hopLadderSpec },
  { name: 'growth', alt: 'Control plane: each metric against the number of services', spec: growthSpec },
];

/** A chart written beside a results file. */
export interface WrittenChart {
  /** Absolute path of the SVG. */
  path: string;
  alt: string;
}

/** The SVG path of chart `name` for results file `jsonPath` (see the module comment). */
export function chartPath(jsonPath: string, name: string): string {
  const stem = basename(jsonPath).replace(/\.json$/, '');
  return join(dirname(jsonPath), `${stem === 'latest' ? '' : `${stem}-`}${name}.svg`);
}

/**
 * Renders every chart that has rows beside `jsonPath` and deletes the SVG of every chart that has none, so a chart
 * on disk always shows the results file next to it (a run of one scenario leaves no older run's chart behind).
 */
export async function writeCharts(jsonPath: string, rows: readonly BenchRow[]): Promise<WrittenChart[]> {
  const written: WrittenChart[] = [];
  for (const chart of CHARTS) {
    const path = chartPath(jsonPath, chart.name);
    const spec = chart.spec(rows);
    if (spec === undefined) {
      rmSync(path, { force: true });
      continue;
    }
    writeFileSync(path, (await renderSvg(spec)) + '\n');
    written.push({ path, alt: chart.alt });
  }
  return written;
}

/** A chart image line as {@link withChartLinks} writes it. */
const CHART_LINK = /^!\[[^\]\n]*\]\([\w.-]+\.svg\)\n\n/gm;

/**
 * The report `md` with one image link per chart (relative to the report, which sits beside the charts) above its
 * table, replacing the links it had: applying it twice changes nothing, and no charts removes the links.
 */
export function withChartLinks(md: string, charts: readonly WrittenChart[]): string {
  const bare = md.replace(CHART_LINK, '');
  const links = charts.map((c) => `![${c.alt}](${basename(c.path)})\n\n`).join('');
  const table = bare.search(/^\| /m);
  // A report without a table (not one the runner writes) gets them at its end.
  if (table < 0) return links ? bare.replace(/\n*$/, '\n\n') + links : bare;
  return bare.slice(0, table) + links + bare.slice(table);
}

/** Whether `x` has the shape of a BenchRow (value a number, ratio a number or null). */
function isBenchRow(x: unknown): x is BenchRow {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.scenario === 'string' &&
    typeof r.metric === 'string' &&
    typeof r.value === 'number' &&
    typeof r.unit === 'string' &&
    (r.ratio === null || typeof r.ratio === 'number')
  );
}

/**
 * The rows of a results file, and how many entries were not rows (left out). A missing file is no rows; a file
 * that is not a JSON array throws, naming the file.
 */
export function readRows(jsonPath: string): { rows: BenchRow[]; skipped: number } {
  if (!existsSync(jsonPath)) return { rows: [], skipped: 0 };
  const data: unknown = JSON.parse(readFileSync(jsonPath, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${jsonPath}: expected a JSON array of benchmark rows`);
  const rows = data.filter(isBenchRow);
  return { rows, skipped: data.length - rows.length };
}
