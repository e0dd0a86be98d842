/**
 * Localities and locality priorities (SEMANTICS.md section 4). The embedded mesh has its own copy of the priority
 * rule for xDS; this one serves `explain` and must stay the same table.
 */

/** A locality; empty strings mean "not set". */
export interface Locality {
  region: string;
  zone: string;
  subzone: string;
}

const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const SUBZONE = 'topology.istio.io/subzone';
/** Pod label that overrides the node's locality (dot separated: `region.zone.subzone`). */
export const ISTIO_LOCALITY_LABEL = 'istio-locality';

/** Parses a dot-separated `istio-locality` label (`eu-remote-1`, `r.z.sz`). */
export function parseIstioLocality(value: string): Locality {
  const [region = '', zone = '', subzone = ''] = value.split('.');
  return { region, zone, subzone };
}

/** Parses a slash-separated locality (`region/zone/subzone`, as WorkloadEntry.spec.locality holds it). */
export function parseLocality(value: string | undefined): Locality {
  const [region = '', zone = '', subzone = ''] = (value ?? '').split('/');
  return { region, zone, subzone };
}

/** A pod's locality: its `istio-locality` label wins over its node's topology labels. */
export function localityOfPod(input: { labels: Record<string, string>; nodeLabels: Record<string, string> }): Locality {
  const override = input.labels[ISTIO_LOCALITY_LABEL];
  if (override !== undefined && override !== '') return parseIstioLocality(override);
  return {
    region: input.nodeLabels[REGION] ?? '',
    zone: input.nodeLabels[ZONE] ?? '',
    subzone: input.nodeLabels[SUBZONE] ?? '',
  };
}

/** `region/zone/subzone` with trailing empty parts dropped (`eu-west-1/eu-west-1a`, `eu-remote-1`). */
export function formatLocality(l: Locality): string {
  const parts = [l.region, l.zone, l.subzone];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('/');
}

/** Why an endpoint got its raw priority (before compaction). */
export type PriorityReason = 'same-subzone' | 'same-zone' | 'same-region' | 'failover-region' | 'other';

/** A directed failover rule `from` region -> `to` region (DestinationRule `localityLbSetting.failover`). */
export interface FailoverRule {
  from: string;
  to: string;
}

/**
 * Raw locality priority of an endpoint for a client (SEMANTICS.md section 4):
 *
 * | P | endpoint vs client                                   |
 * |---|------------------------------------------------------|
 * | 0 | same region, zone and subzone                        |
 * | 1 | same region and zone, other subzone                  |
 * | 2 | same region, other zone                              |
 * | 3 | the region a failover rule `from: client.region` names |
 * | 4 | everything else                                      |
 */
export function rawPriority(
  client: Locality,
  endpoint: Locality,
  failover: readonly FailoverRule[] = [],
): { priority: number; reason: PriorityReason } {
  if (endpoint.region === client.region) {
    if (endpoint.zone === client.zone) {
      return endpoint.subzone === client.subzone
        ? { priority: 0, reason: 'same-subzone' }
        : { priority: 1, reason: 'same-zone' };
    }
    return { priority: 2, reason: 'same-region' };
  }
  if (failover.some((r) => r.from === client.region && r.to === endpoint.region)) {
    return { priority: 3, reason: 'failover-region' };
  }
  return { priority: 4, reason: 'other' };
}

/** Compacts raw priorities to 0..N with no gaps (empty levels removed), preserving order. */
export function compactPriorities(raw: readonly number[]): number[] {
  const levels = [...new Set(raw)].sort((a, b) => a - b);
  return raw.map((p) => levels.indexOf(p));
}
