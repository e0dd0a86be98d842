/**
 * Pure: what the Drills section shows. One row per failover drill run (GET /v2/failover/drills, newest first) with
 * its figures in words: which service was drained in which cluster, by a scheduled FailoverDrill or by hand, whether
 * it is still running or how it ended, and what its clients' flight recorders saw (slowest failover, requests
 * failed, slowest failback or who is still away).
 */
import { shortDuration } from './failover-model.js';
import type { DrillRunView } from './wire.js';

/** Whether a run is under way or over. */
export type DrillState = 'running' | 'ended';

/** One row of the drills table, as text (the view inserts every field as text). */
export interface DrillRow {
  id: string;
  startedAtMs: number;
  /** Local date and time, `2026-12-05 20:08:41`. */
  started: string;
  /** `details.bookinfo`. */
  service: string;
  cluster: string;
  /** The FailoverDrill's name for a scheduled run, `manual` for `meshbridge drill start`. */
  drill: string;
  /** The FailoverDrill's fqn, or who reported a manual run: for the cell's title. */
  drillTitle: string;
  state: DrillState;
  /** `running until 20:13:41`, `ended: <reason>`. */
  stateText: string;
  timeToFailover: string;
  requestsFailed: string;
  timeToFailback: string;
  /** True when no client in the cluster failed over during the run (the three figures say so). */
  noEpisode: boolean;
}

/** `details.bookinfo.svc.cluster.local` -> `details.bookinfo`; anything else unchanged. */
export function shortService(fqdn: string): string {
  const suffix = '.svc.cluster.local';
  return fqdn.endsWith(suffix) ? fqdn.slice(0, -suffix.length) : fqdn;
}

/** The last segment of a FailoverDrill fqn (`organizations/o/.../failoverdrills/weekly` -> `weekly`). */
export function drillName(fqn: string): string {
  return fqn.split('/').pop() || fqn;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local `HH:MM:SS`. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local `YYYY-MM-DD HH:MM:SS`: runs span days, so the clock alone is ambiguous. */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${timeOfDay(ms)}`;
}

/** A run is running while no end was reported and its planned end is still ahead. */
export function drillState(run: DrillRunView, nowMs: number): DrillState {
  return run.endedAtMs === undefined && run.endsAtMs > nowMs ? 'running' : 'ended';
}

function stateText(run: DrillRunView, state: DrillState): string {
  if (state === 'running') return `running until ${timeOfDay(run.endsAtMs)}`;
  // Its planned end passed without a report: whoever ran it (a CLI, a controller replica) went away.
  if (run.endedAtMs === undefined) return `ended (planned end ${timeOfDay(run.endsAtMs)}; no end reported)`;
  return run.endReason ? `ended: ${run.endReason}` : 'ended';
}

/** The three report figures in words. */
function figures(run: DrillRunView, state: DrillState): Pick<DrillRow, 'timeToFailover' | 'timeToFailback'> {
  const r = run.report;
  const clients = r.episodes.length;
  if (clients === 0) {
    // While the run goes on, a client may still fail over; once over, nobody in the cluster called the service.
    const none = state === 'running' ? 'no failover yet' : 'no client called it';
    return { timeToFailover: none, timeToFailback: '-' };
  }
  const slowest = clients > 1 ? ` (slowest of ${clients} clients)` : '';
  return {
    timeToFailover: r.timeToFailoverMs === undefined ? '-' : `${shortDuration(r.timeToFailoverMs)}${slowest}`,
    timeToFailback:
      r.open > 0
        ? `still failed over${clients > 1 ? ` (${r.open} of ${clients} clients)` : ''}`
        : r.timeToFailbackMs === undefined
          ? '-'
          : `${shortDuration(r.timeToFailbackMs)}${slowest}`,
  };
}

/** The rows of `runs`, newest first (as the API sends them; ties keep its order), judged at `nowMs`. */
export function drillRows(runs: readonly DrillRunView[], nowMs: number): DrillRow[] {
  return [...runs]
    .sort((a, b) => b.startedAtMs - a.startedAtMs)
    .map((run) => {
      const state = drillState(run, nowMs);
      return {
        id: run.id,
        startedAtMs: run.startedAtMs,
        started: dateTime(run.startedAtMs),
        service: shortService(run.service),
        cluster: run.cluster,
        drill: run.drill === undefined ? 'manual' : drillName(run.drill),
        drillTitle: run.drill ?? `reported by ${run.by}`,
        state,
        stateText: stateText(run, state),
        requestsFailed: String(run.report.requestsFailed),
        noEpisode: run.report.episodes.length === 0,
        ...figures(run, state),
      };
    });
}
