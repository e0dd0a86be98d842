import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStore } from '../store/cluster-store.js';
import type { EventInput } from '../events/plan.js';
import { DRILL_ANNOTATIONS, drillAnnotations } from '../../api/drill-lease.js';
import { SERVICES } from './refs.js';
import { reconcileDrills } from './drills.js';

const service = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'bookinfo', annotations: { keep: 'me', ...annotations } },
  spec: { selector: { app: name }, ports: [{ port: 9080 }] },
});

test('an expired drill is removed with an event, a running one and other annotations are kept', () => {
  const store = new ClusterStore({ file: ':memory:' });
  const now = Date.parse('2026-12-05T12:00:00Z');
  store.create(SERVICES, service('details', drillAnnotations('drill-a', new Date(now - 1))));
  store.create(SERVICES, service('reviews', drillAnnotations('drill-b', new Date(now + 10_000))));
  store.create(SERVICES, service('ratings', { [DRILL_ANNOTATIONS.until]: 'soon' }));
  store.create(SERVICES, service('productpage', {}));
  const events: EventInput[] = [];
  reconcileDrills(store, { record: (e) => events.push(e) }, now);
  const annotations = (name: string) => store.get(SERVICES, 'bookinfo', name)?.metadata.annotations;
  assert.deepEqual(annotations('details'), { keep: 'me' });
  assert.equal(annotations('reviews')?.[DRILL_ANNOTATIONS.id], 'drill-b');
  assert.deepEqual(annotations('ratings'), { keep: 'me' }, 'an unparsable time is removed too');
  assert.deepEqual(annotations('productpage'), { keep: 'me' });
  assert.deepEqual(
    events.map((e) => [e.regarding.name, e.reason]),
    [
      ['details', 'DrillExpired'],
      ['ratings', 'DrillExpired'],
    ],
  );
  assert.match(events[0]?.message ?? '', /drill-a ended: its lease ran out/);
  // A second pass has nothing to do.
  const version = store.currentVersion();
  reconcileDrills(store, { record: (e) => events.push(e) }, now);
  assert.equal(store.currentVersion(), version);
  assert.equal(events.length, 2);
});
