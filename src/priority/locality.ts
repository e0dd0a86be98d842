/**
 * Localities: what a pod, a WorkloadEntry or a proxy says about where it runs (SEMANTICS.md section 4). Pure.
 */
import { localityText } from '../xds/locality.js';

/** A region/zone/subzone triple; empty strings mean "unknown". */
export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subzone: string;
}

/** The locality nobody has: endpoints and clients without any locality information. */
export const NO_LOCALITY: Locality = Object.freeze({ region: '', zone: '', subzone: '' });

/** Node label keys Kubernetes and Istio use for locality (also usable as `failoverPriority` labels). */
export const LOCALITY_LABELS = Object.freeze({
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  subzone: 'topology.istio.io/subzone',
});

/** The pod label that overrides the node's locality (dot separated: `region.zone.subzone`). */
export const ISTIO_LOCALITY_LABEL = 'istio-locality';

/** Longest locality text read: a longer one is cut here, so a hostile label cannot make the split costly. */
export const MAX_LOCALITY_LENGTH = 1024;

/**
 * Parses `region/zone/subzone` (WorkloadEntry `locality`, `MB_LOCALITY`) or, with `separator: '.'`,
 * `region.zone.subzone` (the `istio-locality` pod label). Missing parts are empty; parts after the third ignored.
 */
export function parseLocality(text: string | undefined, separator: '/' | '.' = '/'): Locality {
  if (!text) return NO_LOCALITY;
  const [region = '', zone = '', subzone = ''] = text.slice(0, MAX_LOCALITY_LENGTH).split(separator, 3);
  return { region, zone, subzone };
}

/**
 * `region/zone/subzone` with trailing empty parts dropped (`eu-remote-1`, `eu-west-2/eu-west-2a`): the xDS
 * contract's one locality text (src/xds/locality.ts), so explain, EDS and the proxies' nodes print it alike.
 */
export const formatLocality: (l: Locality) => string = localityText;

/**
 * The locality of a pod: its `istio-locality` label wins (that is how the seed moves East-West gateway entries
 * into a region of their own); otherwise the topology labels of the node it runs on.
 */
export function podLocality(
  podLabels: Readonly<Record<string, string>> | undefined,
  nodeLabels: Readonly<Record<string, string>> | undefined,
): Locality {
  const override = podLabels?.[ISTIO_LOCALITY_LABEL];
  if (override) return parseLocality(override, '.');
  return {
    region: nodeLabels?.[LOCALITY_LABELS.region] ?? '',
    zone: nodeLabels?.[LOCALITY_LABELS.zone] ?? '',
    subzone: nodeLabels?.[LOCALITY_LABELS.subzone] ?? '',
  };
}

/** Whether two localities are the same triple. */
export function sameLocality(a: Locality, b: Locality): boolean {
  return a.region === b.region && a.zone === b.zone && a.subzone === b.subzone;
}
