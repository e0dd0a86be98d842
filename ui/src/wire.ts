/**
 * The JSON the page reads, from the one file the server's build includes too (src/mgmt/ui/wire.d.ts), under the
 * names the page uses.
 */
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
