/**
 * The JSON the page reads, from the one file the server's build includes too (src/mgmt/ui/wire.d.ts), under the
 * names the page uses, and the management API replies the page reads that the file does not hold yet (restated
 * here: the UI reaches mgmt over its API only, never through its modules).
 */
import type { RecordedEpisodeView } from '../../src/mgmt/ui/wire.js';

export type {
  ApiError,
  ClusterInventory,
  EdgeStats,
  FailoverEndpointView as FailoverEndpoint,
  FailoverView as FailoverReport,
  FailoverEventsView,
  RecordedEpisodeView as RecordedEpisode,
  RoutingEvent,
  SessionView as Session,
  Topology,
  TsbObject,
} from '../../src/mgmt/ui/wire.js';

/**
 * A drill run's report (src/mgmt/failover/drill-run.ts `DrillReport`): what the flight recorders of the drained
 * cluster's clients saw during the run.
 */
export interface DrillReportView {
  /** The episodes of clients in the drained cluster that started during the run. */
  episodes: RecordedEpisodeView[];
  /** Slowest client to fail over, ms; absent with no episode. */
  timeToFailoverMs?: number;
  /** Requests failed across those clients. */
  requestsFailed: number;
  /** Slowest client to fail back, ms; absent while one is still failed over (or with no episode). */
  timeToFailbackMs?: number;
  /** Episodes still open: clients not back home yet. */
  open: number;
}

/** One drill run as GET /v2/failover/drills lists it (src/mgmt/failover/drill-run.ts `DrillRun` and its report). */
export interface DrillRunView {
  id: string;
  /** The service's FQDN, `details.bookinfo.svc.cluster.local`. */
  service: string;
  /** The drained cluster. */
  cluster: string;
  /** The FailoverDrill's fqn, for a scheduled run; absent for `meshbridge drill start`. */
  drill?: string;
  startedAtMs: number;
  /** When the run was planned to end. */
  endsAtMs: number;
  /** When it ended, once reported. */
  endedAtMs?: number;
  endReason?: string;
  /** Who reported the run (the principal's name). */
  by: string;
  report: DrillReportView;
}

/** GET /v2/failover/drills?service=&cluster=&limit=: runs, newest first. */
export interface DrillRunsView {
  drills: DrillRunView[];
}
