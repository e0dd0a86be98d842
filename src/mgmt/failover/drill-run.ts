/**
 * Drill runs as the management plane keeps them: each failover drill that ran (a scheduled `FailoverDrill`'s run,
 * reported by the federation controller, or a `meshbridge drill start`, reported by the CLI), with its report read
 * from the flight recorders' episodes: the clients in the drained cluster that failed over during the run, how
 * long they took, how many requests failed and how long failback took. Pure.
 */
import type { Episode } from './episodes.js';

/** One drill run. `service` is the FQDN (`details.bookinfo.svc.cluster.local`). */
export interface DrillRun {
  readonly id: string;
  readonly service: string;
  readonly cluster: string;
  /** The FailoverDrill's fqn, for a scheduled run. */
  readonly drill?: string;
  readonly startedAtMs: number;
  /** When the run was planned to end. */
  readonly endsAtMs: number;
  /** When it ended, once it has. */
  readonly endedAtMs?: number;
  readonly endReason?: string;
  /** Who reported it (the principal's name). */
  readonly by: string;
}

/** A run's report: what its clients' flight recorders saw. */
export interface DrillReport {
  /** The episodes of clients in the drained cluster that started during the run. */
  readonly episodes: readonly Episode[];
  /** Slowest client to fail over, ms (absent with no episode). */
  readonly timeToFailoverMs?: number;
  /** Requests failed across those clients. */
  readonly requestsFailed: number;
  /** Slowest client to fail back, ms (absent while one is still failed over). */
  readonly timeToFailbackMs?: number;
  /** Episodes still open: a client not yet back. */
  readonly open: number;
}

/**
 * Slack before a run's start for the first event (the recorders' clocks are the machines', the drill's too), and how
 * long after its end the failback is looked for (a ramped failback takes minutes).
 */
export const REPORT_SLACK_BEFORE_MS = 1000;
export const REPORT_FAILBACK_WINDOW_MS = 10 * 60_000;

/** The report of `run` from episodes of its service (any clusters, any times). */
export function drillReport(run: DrillRun, episodes: readonly Episode[]): DrillReport {
  const end = run.endedAtMs ?? run.endsAtMs;
  const mine = episodes.filter(
    (e) =>
      e.source.cluster === run.cluster &&
      e.service === run.service &&
      e.startedAtMs >= run.startedAtMs - REPORT_SLACK_BEFORE_MS &&
      e.startedAtMs < end,
  );
  const max = (values: readonly number[]) => (values.length === 0 ? undefined : Math.max(...values));
  const open = mine.filter((e) => e.open).length;
  const failover = max(mine.map((e) => e.timeToFailoverMs));
  const failback = open > 0 ? undefined : max(mine.flatMap((e) => e.timeToFailbackMs ?? []));
  return {
    episodes: mine,
    requestsFailed: mine.reduce((n, e) => n + e.requestsFailed, 0),
    open,
    ...(failover === undefined ? {} : { timeToFailoverMs: failover }),
    ...(failback === undefined ? {} : { timeToFailbackMs: failback }),
  };
}
