/**
 * The drill controller: ends failover drills whose lease ran out (src/mesh/drill.ts). A running `meshbridge drill
 * start` renews its drill's `until` every few seconds; when that CLI dies (killed, its machine asleep) nobody
 * renews it, and this controller removes the annotations at the next pass after `until`, so the service takes
 * its traffic back by itself. It records a Normal event `DrillExpired` on the Service.
 */
import { DRILL_ANNOTATIONS, drillActive, drillOf } from '../../api/drill-lease.js';
import type { EventSink } from '../events/recorder.js';
import { regardingOf } from '../events/recorder.js';
import type { ClusterStore } from '../store/cluster-store.js';
import { SERVICES } from './refs.js';

/** Removes expired drills (and unparsable drill times) from every Service. */
export function reconcileDrills(store: ClusterStore, events: EventSink, now = Date.now()): void {
  for (const svc of store.list(SERVICES)) {
    const annotations = svc.metadata.annotations ?? {};
    if (annotations[DRILL_ANNOTATIONS.until] === undefined && annotations[DRILL_ANNOTATIONS.id] === undefined) {
      continue;
    }
    const drill = drillOf(annotations);
    if (drillActive(drill, now)) continue;
    let ended = false;
    store.transaction((w) => {
      const current = w.get(SERVICES, svc.metadata.namespace, svc.metadata.name);
      if (!current) return;
      const kept = { ...(current.metadata.annotations ?? {}) };
      if (drillActive(drillOf(kept), now)) return;
      delete kept[DRILL_ANNOTATIONS.until];
      delete kept[DRILL_ANNOTATIONS.id];
      w.update(SERVICES, { ...current, metadata: { ...current.metadata, annotations: kept } });
      ended = true;
    });
    if (!ended) continue;
    events.record({
      regarding: regardingOf(svc),
      type: 'Normal',
      reason: 'DrillExpired',
      message: drill
        ? `Drill ${drill.id || '(unnamed)'} ended: its lease ran out at ${drill.until.toISOString()}`
        : `Drill annotations removed: ${DRILL_ANNOTATIONS.until} is not an RFC 3339 time`,
      component: 'drill-controller',
    });
  }
}
