import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { toEventsV1 } from './events-v1.js';

const core: StoredObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'details-1.abc', namespace: 'bookinfo', creationTimestamp: '2026-01-01T10:00:00Z' },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'details-1', namespace: 'bookinfo', uid: 'u1' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container',
  source: { component: 'kubelet', host: 'cluster-1-node' },
  firstTimestamp: '2026-01-01T10:00:00Z',
  lastTimestamp: '2026-01-01T10:00:30Z',
  count: 7,
  reportingComponent: 'kubelet',
  reportingInstance: 'cluster-1-node',
};

test('a core Event is served as events.k8s.io/v1 with the fields Kubernetes maps', () => {
  assert.deepEqual(toEventsV1(core), {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: core.metadata,
    eventTime: '2026-01-01T10:00:00.000000Z',
    reportingController: 'kubelet',
    reportingInstance: 'cluster-1-node',
    action: 'BackOff',
    reason: 'BackOff',
    regarding: core.involvedObject,
    note: 'Back-off restarting failed container',
    type: 'Warning',
    deprecatedSource: core.source,
    deprecatedFirstTimestamp: '2026-01-01T10:00:00Z',
    deprecatedLastTimestamp: '2026-01-01T10:00:30Z',
    deprecatedCount: 7,
  });
});

test('without reporting fields the source names the controller and instance', () => {
  const { reportingComponent: _c, reportingInstance: _i, ...bare } = core;
  const v1 = toEventsV1(bare as StoredObject);
  assert.equal(v1.reportingController, 'kubelet');
  assert.equal(v1.reportingInstance, 'cluster-1-node');
});
