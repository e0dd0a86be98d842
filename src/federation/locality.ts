/**
 * Localities as the federation reads them (SEMANTICS.md section 4), on the priority engine's helpers
 * (`src/priority`): the same parsing the mesh uses, so an entry's locality means the same on both sides.
 */
import { parseLocality as parse, podLocality, type Locality } from '../priority/index.js';

export { ISTIO_LOCALITY_LABEL, formatLocality, type Locality } from '../priority/index.js';

/** Parses a dot-separated `istio-locality` label (`eu-remote-1`, `r.z.sz`). */
export function parseIstioLocality(value: string): Locality {
  return parse(value, '.');
}

/** Parses a slash-separated locality (`region/zone/subzone`, as WorkloadEntry.spec.locality holds it). */
export function parseLocality(value: string | undefined): Locality {
  return parse(value, '/');
}

/** A pod's locality: its `istio-locality` label wins over its node's topology labels. */
export function localityOfPod(input: { labels: Record<string, string>; nodeLabels: Record<string, string> }): Locality {
  return podLocality(input.labels, input.nodeLabels);
}
