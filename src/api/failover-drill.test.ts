import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drillScheduleError, dueRun, nextRunStart, parseDrillDuration } from './failover-drill.js';

const at = (iso: string) => Date.parse(iso);

test('a scheduled run is due from its start for its duration, with an id every replica computes alike', () => {
  const timing = { schedule: '0 3 * * 1', duration: '90s' }; // Mondays 03:00 UTC
  const monday = at('2026-12-07T03:00:00Z');
  assert.equal(dueRun('weekly', timing, monday - 1), undefined);
  const run = dueRun('weekly', timing, monday);
  assert.deepEqual(run, { id: `weekly-${(monday / 1000).toString(36)}`, startMs: monday, endMs: monday + 90_000 });
  assert.deepEqual(dueRun('weekly', timing, monday + 89_999), run);
  assert.equal(dueRun('weekly', timing, monday + 90_000), undefined);
  assert.equal(nextRunStart(timing, monday), at('2026-12-14T03:00:00Z'));
  assert.equal(nextRunStart(timing, monday - 1), monday);
});

test('overlapping runs: the latest start is the one due', () => {
  const timing = { schedule: '*/5 * * * *', duration: '12m' };
  const run = dueRun('often', timing, at('2026-12-06T01:11:00Z'));
  assert.equal(run?.startMs, at('2026-12-06T01:10:00Z'));
  assert.equal(run?.endMs, at('2026-12-06T01:22:00Z'));
});

test('a one-off run is due once; a suspended drill never is', () => {
  const timing = { startAt: '2026-12-06T02:00:00Z', duration: '5s' };
  const start = at('2026-12-06T02:00:00Z');
  assert.equal(dueRun('once', timing, start - 1), undefined);
  assert.equal(dueRun('once', timing, start + 4999)?.startMs, start);
  assert.equal(dueRun('once', timing, start + 5000), undefined);
  assert.equal(nextRunStart(timing, start - 1), start);
  assert.equal(nextRunStart(timing, start), undefined);
  assert.equal(dueRun('once', { ...timing, suspend: true }, start + 1), undefined);
  assert.equal(nextRunStart({ schedule: '@daily', duration: '1m', suspend: true }, start), undefined);
});

test('a run id stays a short label value, however long the drill name', () => {
  const run = dueRun('x'.repeat(253), { startAt: '2026-12-06T02:00:00Z', duration: '5s' }, at('2026-12-06T02:00:01Z'));
  assert.ok(run && run.id.length <= 63, run?.id);
});

test('schedules: five fields or a nickname; the reason otherwise', () => {
  assert.equal(drillScheduleError('0 3 * * 1'), undefined);
  assert.equal(drillScheduleError('@weekly'), undefined);
  assert.match(drillScheduleError('* * * * * *') ?? '', /expected 5 cron fields/);
  assert.match(drillScheduleError('0 25 * * *') ?? '', /hour/);
  assert.match(drillScheduleError(`${'1,'.repeat(100)}1 * * * *`) ?? '', /at most 128/);
});

test('durations: the CLI and the object read them alike, a second to a day', () => {
  assert.equal(parseDrillDuration('60s'), 60_000);
  assert.equal(parseDrillDuration('1m30s'), 90_000);
  assert.equal(parseDrillDuration('24h'), 86_400_000);
  assert.equal(parseDrillDuration('45'), 45_000);
  for (const bad of ['0s', '25h', '1.5s', '1.5m', '1d', '-5s', 'soon', '', '9'.repeat(20)]) {
    assert.throws(() => parseDrillDuration(bad), /invalid duration/, bad);
  }
});
