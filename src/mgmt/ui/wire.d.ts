/**
 * The JSON the web UI reads, in one file that both builds include: the server's routes (src/mgmt/ui,
 * src/mgmt/telemetry) produce these shapes and the page (ui/src) consumes them. A declaration file on purpose: it
 * holds types only, so the browser build can import it from outside its own source folder.
 *
 * Routes: GET /ui/api/topology -> Topology, GET /ui/api/inventory -> { clusters: ClusterInventory[] },
 * GET /ui/api/session -> SessionView, GET /ui/api/failover -> FailoverView; the management API (/v2/...) gives
 * TsbObject and ApiError.
 */

/** Who called whom: a source workload in a cluster, and the destination service and the cluster that served it. */
export interface EdgeKey {
  sourceWorkload: string;
  sourceCluster: string;
  destinationService: string;
  destinationCluster: string;
}

/** What the window shows for one edge. */
export interface EdgeStats extends EdgeKey {
  id: string;
  /** Requests per second over the window. */
  rps: number;
  requests: number;
  errors: number;
  /** errors / requests, 0 when there were none. */
  errorShare: number;
  /** Latency percentiles in ms from the histogram, absent without histogram data. */
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  /** Source and destination clusters differ (the failover path through an East-West gateway). */
  crossCluster: boolean;
}

/** One change in who serves a client. */
export interface RoutingEvent {
  atMs: number;
  kind: 'failover' | 'failback' | 'shift';
  sourceWorkload: string;
  sourceCluster: string;
  destinationService: string;
  from: string[];
  to: string[];
  message: string;
}

/**
 * A failover episode as GET /v2/failover/events returns it (src/mgmt/failover/episodes.ts), the fields the page
 * shows.
 */
export interface RecordedEpisodeView {
  service: string;
  source: { cluster: string; namespace: string; pod: string; workload: string };
  trigger: { kind: string; atMs: number };
  from: string;
  to: string;
  startedAtMs: number;
  failedOverAtMs: number;
  timeToFailoverMs: number;
  requestsFailed: number;
  failedBackAtMs?: number;
  timeToFailbackMs?: number;
  durationMs?: number;
  open: boolean;
}

/** GET /v2/failover/events: the recorded events (not read by the page) and their episodes. */
export interface FailoverEventsView {
  events: unknown[];
  episodes: RecordedEpisodeView[];
}

/** Last scrape of one metrics endpoint. */
export interface TargetHealth {
  url: string;
  ok: boolean;
  lastScrapeMs: number;
  error?: string;
}

/** Edges over a window, the failover timeline, and where the data came from. */
export interface Topology {
  source: 'scrape' | 'prometheus';
  atMs: number;
  windowMs: number;
  edges: EdgeStats[];
  events: RoutingEvent[];
  targets: TargetHealth[];
}

/** An East-West gateway of a cluster and its load-balancer addresses. */
export interface GatewayView {
  namespace: string;
  name: string;
  addresses: string[];
}

/** A service of a cluster and how many ready endpoints it has there. */
export interface ServiceView {
  namespace: string;
  name: string;
  readyEndpoints: number;
}

/** A WorkloadEntry the federation generated in a cluster (the remote endpoints it can fail over to). */
export interface WorkloadEntryView {
  namespace: string;
  name: string;
  address: string;
}

/** What the clusters' own APIs say about one cluster (its Cluster object in mgmt says the rest). */
export interface ClusterInventory {
  name: string;
  /** Locality as the cluster's nodes report it. */
  region?: string;
  zone?: string;
  gateways: GatewayView[];
  services: ServiceView[];
  workloadEntries: WorkloadEntryView[];
  /** False when the cluster's API could not be read. */
  reachable: boolean;
  error?: string;
}

/** Who is using the UI (from the bearer token), so the page can show read-only controls to readers. */
export interface SessionView {
  name: string;
  role: string;
  canEdit: boolean;
  /** For a browser session (cookie): the secret its writes carry in the `x-meshbridge-csrf` header. */
  csrf?: string;
}

/** One endpoint of a failover priority table (the federation's `explain failover`). */
export interface FailoverEndpointView {
  cluster: string;
  kind: 'pod' | 'WorkloadEntry' | 'ServiceEntry endpoint';
  name: string;
  address: string;
  locality: string;
  /** Pod readiness, or a probed remote entry's verdict; absent for entries nobody probes (outlier-checked). */
  ready?: boolean;
  /**
   * In words: `ready`, `not ready`, `outlier-checked`, or a probed entry's `probe ok`, `gateway down`,
   * `remote service down`, `remote app down` (absent from servers older than the prober).
   */
  health?: string;
  /** A probed entry's verdict: the remote-service prober's `Healthy` condition. */
  probe?: { healthy: boolean; reason: string; message: string; since?: string };
  /** The priority engine's rank before compaction. */
  rawPriority: number;
  priority: number;
  /** The priority engine's stable reason code (`same-region`, `failover-region`, `failover-priority`, ...). */
  why: string;
  /** The reason in words, as `meshbridge explain failover` prints it. */
  reason: string;
}

/** The failover of one service for clients in one cluster (the shape of the federation's ExplainReport). */
export interface FailoverView {
  service: string;
  namespace: string;
  client: string;
  clientLocality: string;
  endpoints: FailoverEndpointView[];
  targets: { cluster: string; message: string }[];
  notTargets: { cluster: string; reason: string; message: string }[];
  warnings: string[];
}

/** A TSB object as the management API returns and accepts it. */
export interface TsbObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; organization?: string; tenant?: string; workspace?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

/** An error body of the management API. */
export interface ApiError {
  code?: string;
  message?: string;
  issues?: { index?: number; code?: string; severity?: string; path?: string; message?: string }[];
}
