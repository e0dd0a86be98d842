import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRILL_ANNOTATIONS, drillActive, drillAnnotations, drillOf, endDrillPatch } from './drill-lease.js';

test('a drill is read back from the annotations that start it, and is active until its time', () => {
  const until = new Date('2026-12-05T12:00:00Z');
  const drill = drillOf(drillAnnotations('drill-1', until));
  assert.deepEqual(drill, { id: 'drill-1', until });
  assert.equal(drillActive(drill, until.getTime() - 1), true);
  assert.equal(drillActive(drill, until.getTime()), false);
  assert.equal(drillActive(undefined, 0), false);
});

test('no drill without the time, or with a time that does not parse', () => {
  assert.equal(drillOf(undefined), undefined);
  assert.equal(drillOf({ [DRILL_ANNOTATIONS.id]: 'x' }), undefined);
  assert.equal(drillOf({ [DRILL_ANNOTATIONS.until]: 'soon' }), undefined);
});

test('ending a drill removes both annotations with a merge patch', () => {
  assert.deepEqual(endDrillPatch().metadata.annotations, {
    [DRILL_ANNOTATIONS.id]: null,
    [DRILL_ANNOTATIONS.until]: null,
  });
});
