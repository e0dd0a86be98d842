import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateTime, drillName, drillRows, drillState, shortService } from './drills-model.js';
import type { DrillRunView, RecordedEpisode } from './wire.js';

const DRILL = 'organizations/tetrate/tenants/bookinfo/workspaces/bookinfo-ws/failoverdrills/weekly';
// Local time, so the expected text holds in any time zone.
const T0 = new Date(2026, 11, 5, 20, 8, 41, 56).getTime();

const episode = (over: Partial<RecordedEpisode> = {}): RecordedEpisode => ({
  service: 'details.bookinfo.svc.cluster.local',
  source: { cluster: 'cluster-1', namespace: 'bookinfo', pod: 'productpage-v1-a', workload: 'productpage-v1' },
  trigger: { kind: 'priority-shift', atMs: T0 + 10 },
  from: 'cluster-1',
  to: 'cluster-2',
  startedAtMs: T0 + 10,
  failedOverAtMs: T0 + 560,
  timeToFailoverMs: 550,
  requestsFailed: 0,
  failedBackAtMs: T0 + 3870,
  timeToFailbackMs: 46,
  durationMs: 3860,
  open: false,
  ...over,
});

const run = (over: Partial<DrillRunView> = {}): DrillRunView => ({
  id: 'drill-f0f03a16',
  service: 'details.bookinfo.svc.cluster.local',
  cluster: 'cluster-1',
  startedAtMs: T0,
  endsAtMs: T0 + 4000,
  endedAtMs: T0 + 4100,
  endReason: 'its duration passed',
  by: 'admin',
  report: { episodes: [episode()], timeToFailoverMs: 550, requestsFailed: 0, timeToFailbackMs: 46, open: 0 },
  ...over,
});

test('a manual run that ended reads as the CLI reports it: service, cluster, reason and the three figures', () => {
  assert.deepEqual(drillRows([run()], T0 + 60_000), [
    {
      id: 'drill-f0f03a16',
      startedAtMs: T0,
      started: '2026-12-05 20:08:41',
      service: 'details.bookinfo',
      cluster: 'cluster-1',
      drill: 'manual',
      drillTitle: 'reported by admin',
      state: 'ended',
      stateText: 'ended: its duration passed',
      timeToFailover: '550 ms',
      requestsFailed: '0',
      timeToFailback: '46 ms',
      noEpisode: false,
    },
  ]);
});

test('a scheduled run is named by its FailoverDrill, with the fqn for the title', () => {
  const [row] = drillRows([run({ drill: DRILL })], T0 + 60_000);
  assert.equal(row?.drill, 'weekly');
  assert.equal(row?.drillTitle, DRILL);
  assert.equal(drillName('weekly'), 'weekly');
});

test('a run with no end reported is running until its planned end, then ended without a report', () => {
  const open = run({ endedAtMs: undefined, endReason: undefined, endsAtMs: T0 + 300_000 });
  assert.equal(drillState(open, T0 + 1000), 'running');
  assert.equal(drillRows([open], T0 + 1000)[0]?.stateText, 'running until 20:13:41');
  assert.equal(drillState(open, T0 + 300_000), 'ended', 'its planned end is not in the future any more');
  assert.equal(drillRows([open], T0 + 400_000)[0]?.stateText, 'ended (planned end 20:13:41; no end reported)');
  // A reported end wins over a planned end still ahead (stopped early).
  const stopped = run({ endsAtMs: T0 + 300_000, endedAtMs: T0 + 2000, endReason: 'stopped' });
  assert.equal(drillState(stopped, T0 + 3000), 'ended');
  assert.equal(drillRows([run({ endReason: undefined })], T0 + 60_000)[0]?.stateText, 'ended');
});

test('a client still away reads "still failed over"; the figures name the slowest of several clients', () => {
  const report = {
    episodes: [episode(), episode({ timeToFailoverMs: 2500, requestsFailed: 3, open: true })],
    timeToFailoverMs: 2500,
    requestsFailed: 3,
    open: 1,
  };
  const [row] = drillRows([run({ report })], T0 + 60_000);
  assert.equal(row?.timeToFailover, '2.5 s (slowest of 2 clients)');
  assert.equal(row?.requestsFailed, '3');
  assert.equal(row?.timeToFailback, 'still failed over (1 of 2 clients)');
  const alone = drillRows([run({ report: { ...report, episodes: [episode({ open: true })] } })], T0 + 60_000);
  assert.equal(alone[0]?.timeToFailback, 'still failed over');
  const back = drillRows(
    [run({ report: { ...report, open: 0, timeToFailbackMs: 1020, episodes: [episode(), episode()] } })],
    T0 + 60_000,
  );
  assert.equal(back[0]?.timeToFailback, '1.0 s (slowest of 2 clients)');
});

test('a run with no episode says no client called it, or no failover yet while it runs', () => {
  const quiet = run({ report: { episodes: [], requestsFailed: 0, open: 0 } });
  const [ended] = drillRows([quiet], T0 + 60_000);
  assert.deepEqual(
    [ended?.timeToFailover, ended?.requestsFailed, ended?.timeToFailback, ended?.noEpisode],
    ['no client called it', '0', '-', true],
  );
  const [running] = drillRows([{ ...quiet, endedAtMs: undefined }], T0 + 1000);
  assert.equal(running?.timeToFailover, 'no failover yet');
});

test('rows come newest first, whatever order they arrive in', () => {
  const rows = drillRows([run({ id: 'a' }), run({ id: 'b', startedAtMs: T0 + 86_400_000 }), run({ id: 'c' })], T0);
  assert.deepEqual(
    rows.map((r) => [r.id, r.started]),
    [
      ['b', '2026-12-06 20:08:41'],
      ['a', '2026-12-05 20:08:41'],
      ['c', '2026-12-05 20:08:41'],
    ],
  );
});

test('service names lose the cluster-local suffix only; dates are zero-padded', () => {
  assert.equal(shortService('details.bookinfo.svc.cluster.local'), 'details.bookinfo');
  assert.equal(shortService('details.bookinfo'), 'details.bookinfo');
  assert.equal(dateTime(new Date(2027, 0, 2, 3, 4, 5).getTime()), '2027-01-02 03:04:05');
});
