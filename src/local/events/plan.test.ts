import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredObject } from '../store/types.js';
import { planEvent, type EventInput } from './plan.js';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const pod = { apiVersion: 'v1', kind: 'Pod', namespace: 'bookinfo', name: 'details-1', uid: 'u1' };
const backOff: EventInput = {
  regarding: { ...pod, fieldPath: 'spec.containers{details}' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container details in pod details-1_bookinfo(u1)',
  component: 'kubelet',
  host: 'node-1',
};

function stored(input: EventInput, name: string, lastMs: number, count = 1): StoredObject {
  const plan = planEvent({ existing: [], input, now: lastMs, suffix: () => name });
  const e = plan.create as StoredObject;
  return { ...e, metadata: { ...e.metadata, name }, count };
}

test('a first event is created with count 1, the involved object and the reporting component', () => {
  const plan = planEvent({ existing: [], input: backOff, now: T0, suffix: () => 'abc' });
  assert.equal(plan.update, undefined);
  assert.deepEqual(plan.delete, []);
  const e = plan.create as StoredObject;
  assert.equal(e.metadata.name, 'details-1.abc');
  assert.equal(e.metadata.namespace, 'bookinfo');
  assert.deepEqual(e.involvedObject, { ...pod, fieldPath: 'spec.containers{details}' });
  assert.equal(e.count, 1);
  assert.deepEqual(e.source, { component: 'kubelet', host: 'node-1' });
  assert.equal(e.firstTimestamp, '2026-01-01T10:00:00Z');
});

test('a repeat of the same event grows the stored count and moves lastTimestamp, creating nothing', () => {
  const first = stored(backOff, 'details-1.abc', T0, 4);
  const plan = planEvent({ existing: [first], input: backOff, now: T0 + 5000 });
  assert.equal(plan.create, undefined);
  assert.equal(plan.update?.count, 5);
  assert.equal(plan.update?.lastTimestamp, '2026-01-01T10:00:05Z');
  assert.equal(plan.update?.firstTimestamp, '2026-01-01T10:00:00Z');
});

test('the same reason with another message, container or object is a different event', () => {
  const first = stored(backOff, 'details-1.abc', T0);
  const variants: EventInput[] = [
    { ...backOff, message: 'other' },
    { ...backOff, regarding: { ...backOff.regarding, fieldPath: 'spec.containers{istio-proxy}' } },
    { ...backOff, regarding: { ...backOff.regarding, uid: 'u2' } },
    { ...backOff, type: 'Normal' },
    { ...backOff, component: 'deployment-controller' },
  ];
  for (const v of variants) assert.ok(planEvent({ existing: [first], input: v, now: T0 + 1 }).create, v.message);
});

test('events older than the TTL are deleted, and an expired match is not revived', () => {
  const old = stored(backOff, 'details-1.old', T0);
  const plan = planEvent({ existing: [old], input: backOff, now: T0 + 3_600_001 });
  assert.deepEqual(plan.delete, ['details-1.old']);
  assert.ok(plan.create);
});

test('a namespace keeps at most the cap: the oldest events go first', () => {
  const existing = [30, 10, 20].map((s, i) => stored({ ...backOff, message: `m${i}` }, `e${s}`, T0 + s * 1000));
  const plan = planEvent({ existing, input: { ...backOff, message: 'new' }, now: T0 + 40_000, maxPerNamespace: 2 });
  assert.deepEqual(plan.delete, ['e10', 'e20']);
  assert.ok(plan.create);
});

test('a noisy pod with ever-new messages never grows the namespace past the cap', () => {
  let events: StoredObject[] = [];
  for (let i = 0; i < 50; i++) {
    const plan = planEvent({
      existing: events,
      input: { ...backOff, message: `m${i}` },
      now: T0 + i,
      maxPerNamespace: 10,
    });
    events = events.filter((e) => !plan.delete.includes(e.metadata.name));
    if (plan.create) events.push(plan.create);
  }
  assert.equal(events.length, 10);
});

test('messages are cut at 1 KiB', () => {
  const plan = planEvent({ existing: [], input: { ...backOff, message: 'x'.repeat(5000) }, now: T0 });
  assert.equal((plan.create?.message as string).length, 1024);
});
