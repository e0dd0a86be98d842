/** The words for a {@link PriorityReason}: what `explain` prints and the UI shows. Pure. */
import type { LocalityReason, PriorityReason } from './engine.js';
import type { PrioritiesOff } from './policy.js';

const LOCALITY_TEXT: Record<Exclude<LocalityReason['code'], 'failover-region'>, string> = {
  'same-subzone': 'same region, zone and subzone',
  'same-zone': 'same region and zone, other subzone',
  'same-region': 'same region, other zone',
  other: 'other region',
};

const OFF_TEXT: Record<PrioritiesOff, string> = {
  'no-destination-rule': 'no locality priorities: no DestinationRule for the host',
  'no-outlier-detection': 'no locality priorities: the DestinationRule has no outlierDetection',
  'locality-lb-disabled': 'no locality priorities: localityLbSetting.enabled is false',
};

/** One line saying why an endpoint got its priority (`failover from us-east to us-west`, ...). */
export function reasonText(r: PriorityReason): string {
  switch (r.code) {
    case 'failover-region':
      return `failover from ${r.from} to ${r.to}`;
    case 'priorities-off':
      return OFF_TEXT[r.off];
    case 'failover-order':
      return `${r.entry ? `failover order ${r.position} (${r.entry})` : 'after the failover order'}; then ${reasonText(r.then)}`;
    case 'failover-priority': {
      const labels = (xs: readonly string[]): string => xs.join(', ');
      const head =
        r.missed === undefined
          ? `matches failoverPriority ${r.matched.length === 1 ? 'label' : 'labels'} ${labels(r.matched)}`
          : r.matched.length === 0
            ? `matches no failoverPriority label (first: ${r.missed})`
            : `matches failoverPriority ${r.matched.length === 1 ? 'label' : 'labels'} ${labels(r.matched)}, not ${r.missed}`;
      return r.then ? `${head}; then ${reasonText(r.then)}` : head;
    }
    default:
      return LOCALITY_TEXT[r.code];
  }
}
