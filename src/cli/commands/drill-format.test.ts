import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDrillRuns, type WireDrillRun } from './drill-format.js';

const T = Date.parse('2026-12-06T03:00:00Z');
const run = (over: Partial<WireDrillRun>): WireDrillRun => ({
  id: 'weekly-tmy1kw',
  service: 'details.bookinfo.svc.cluster.local',
  cluster: 'cluster-1',
  drill: 'organizations/tetrate/tenants/demo/workspaces/bookinfo-ws/failoverdrills/weekly',
  startedAtMs: T,
  endsAtMs: T + 60_000,
  report: { episodes: [], requestsFailed: 0, open: 0 },
  ...over,
});

test('each run is a row: scheduled or manual, its report figures and what became of it', () => {
  const text = formatDrillRuns(
    [
      run({
        endedAtMs: T + 60_000,
        endReason: 'its duration passed',
        report: { episodes: [{}, {}], timeToFailoverMs: 550, requestsFailed: 0, timeToFailbackMs: 1250, open: 0 },
      }),
      run({
        id: 'drill-0a1b2c3d',
        drill: undefined,
        report: { episodes: [{}], timeToFailoverMs: 80, requestsFailed: 2, open: 1 },
      }),
      run({ id: 'weekly-old', endsAtMs: T - 1 }),
    ],
    T + 1000,
  ).split('\n');
  assert.equal(text[0], '3 drill runs');
  assert.match(
    text[1] ?? '',
    /^STARTED\s+RUN\s+SERVICE\s+CLUSTER\s+DRILL\s+CLIENTS\s+TIME TO FAIL OVER\s+REQUESTS FAILED\s+TIME TO FAIL BACK\s+STATE$/,
  );
  assert.match(
    text[2] ?? '',
    /^2026-12-06T03:00:00.000Z\s+weekly-tmy1kw\s+details\.bookinfo\s+cluster-1\s+weekly\s+2\s+550ms\s+0\s+1\.25s\s+ended \(its duration passed\)$/,
  );
  assert.match(
    text[3] ?? '',
    /drill-0a1b2c3d\s+details\.bookinfo\s+cluster-1\s+manual\s+1\s+80ms\s+2\s+1 still failed over\s+running$/,
  );
  assert.match(
    text[4] ?? '',
    /weekly-old .*0 \(no client called it\)\s+-\s+0\s+-\s+ended \(no end reported; its lease ran out\)$/,
  );
});

test('no run yet says how to start one', () => {
  assert.match(
    formatDrillRuns([], T),
    /^0 drill runs \(start one with `meshbridge drill start`, or schedule a FailoverDrill\)$/,
  );
});
