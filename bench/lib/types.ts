/** Shapes shared by benchmark scenarios and the runner. */

/** One line of `bench/results/latest.json`. `ratio` compares to the same run's baseline (null when none). */
export interface BenchRow {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  ratio: number | null;
}

/** A benchmark scenario module: `bench/scenarios/<name>.ts` default-exports one. */
export interface Scenario {
  name: string;
  description: string;
  run(): Promise<BenchRow[]>;
}
