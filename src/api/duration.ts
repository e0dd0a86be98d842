/**
 * Durations as Istio and Kubernetes write them in the fields meshbridge reads as numbers (`10s`, `1.5s`, `100ms`,
 * `1m`, `1h`): the one parser the mesh, the federation and the CLI share. Pure.
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a single-unit duration (`10s`, `1.5s`, `100ms`, `1m`, `1h`), or undefined when it is not one. */
export function durationToMs(text: string): number | undefined {
  const m = /^(\d{1,9}(?:\.\d{1,9})?)(ms|s|m|h)$/.exec(text.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2]] ?? 1);
}
