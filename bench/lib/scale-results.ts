/**
 * The control plane's full grid on disk. `npm run bench:scale` runs bench/control-plane.ts once per protocol, in
 * separate processes, so each run merges its rows into `bench/results/scale.json` (rather than overwriting the
 * other protocol's) and redraws `scale-growth.svg` from the merged grid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRows, writeCharts } from './chart-files.js';
import type { BenchRow } from './types.js';

/** `bench/results/scale.json`. */
export const SCALE_RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'scale.json');

/**
 * `saved` with every scenario that `fresh` measured replaced by the fresh rows, in place (so lines keep their order
 * and colours from run to run); scenarios new to `saved` come last. A scenario names services, proxies and protocol,
 * so a rerun replaces exactly the case it measured again; rows of other cases stay until the file is deleted.
 */
export function mergeRows(saved: readonly BenchRow[], fresh: readonly BenchRow[]): BenchRow[] {
  const byScenario = new Map<string, BenchRow[]>();
  for (const row of fresh) byScenario.set(row.scenario, [...(byScenario.get(row.scenario) ?? []), row]);
  const out: BenchRow[] = [];
  const placed = new Set<string>();
  for (const row of saved) {
    const replacement = byScenario.get(row.scenario);
    if (!replacement) out.push(row);
    else if (!placed.has(row.scenario)) {
      out.push(...replacement);
      placed.add(row.scenario);
    }
  }
  for (const [scenario, rows] of byScenario) if (!placed.has(scenario)) out.push(...rows);
  return out;
}

/** Merges `rows` into the scale results file, redraws its chart, and returns the paths written. */
export async function writeScaleResults(rows: readonly BenchRow[], path = SCALE_RESULTS): Promise<string[]> {
  const merged = mergeRows(readRows(path).rows, rows);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(merged, null, 2) + '\n');
  return [path, ...(await writeCharts(path, merged)).map((c) => c.path)];
}
