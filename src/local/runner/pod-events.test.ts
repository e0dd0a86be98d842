import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEvents, probeFailedEvent } from './pod-events.js';

const base = { container: 'details', image: 'details:1', pod: 'details-1_bookinfo(u1)' };

test('container state changes become the kubelet events', () => {
  const cases: [
    string,
    Parameters<typeof containerEvents>[0]['previous'],
    Parameters<typeof containerEvents>[0]['next'],
    string[],
  ][] = [
    [
      'creating -> running',
      { waiting: { reason: 'ContainerCreating' } },
      { running: { startedAt: 't' } },
      ['Pulled', 'Created', 'Started'],
    ],
    ['running -> running', { running: { startedAt: 't' } }, { running: { startedAt: 't2' } }, []],
    [
      'running -> back-off',
      { running: { startedAt: 't' } },
      { waiting: { reason: 'CrashLoopBackOff', message: 'x' } },
      ['BackOff'],
    ],
    [
      'back-off -> running (restart)',
      { waiting: { reason: 'CrashLoopBackOff' } },
      { running: { startedAt: 't' } },
      ['Pulled', 'Created', 'Started'],
    ],
    ['none -> image missing', undefined, { waiting: { reason: 'ErrImagePull', message: 'no such image' } }, ['Failed']],
    ['none -> creating', undefined, { waiting: { reason: 'ContainerCreating' } }, []],
    [
      'running -> stopped',
      { running: { startedAt: 't' } },
      { terminated: { exitCode: 0, reason: 'Completed', finishedAt: 't' } },
      [],
    ],
  ];
  for (const [name, previous, next, reasons] of cases) {
    assert.deepEqual(
      containerEvents({ ...base, previous, next }).map((e) => e.reason),
      reasons,
      name,
    );
  }
});

test('back-off and failures are warnings that name the container and the cause', () => {
  const [backOff] = containerEvents({
    ...base,
    previous: undefined,
    next: { waiting: { reason: 'CrashLoopBackOff' } },
  });
  assert.equal(backOff?.type, 'Warning');
  assert.equal(backOff?.message, 'Back-off restarting failed container details in pod details-1_bookinfo(u1)');
  const [failed] = containerEvents({
    ...base,
    previous: undefined,
    next: { waiting: { reason: 'ErrImagePull', message: 'gone' } },
  });
  assert.equal(failed?.message, 'Error: ErrImagePull: gone');
});

test('a failed readiness probe is Unhealthy with what was probed', () => {
  const e = probeFailedEvent({ type: 'http', port: 9080, path: '/health', timeoutMs: 1000 }, '127.1.0.5');
  assert.equal(e.reason, 'Unhealthy');
  assert.equal(e.type, 'Warning');
  assert.match(e.message, /^Readiness probe failed: Get "http:\/\/127\.1\.0\.5:9080\/health"/);
});
