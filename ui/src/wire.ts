/**
 * Shapes of the JSON the page reads: the UI data routes (/ui/api/...; src/mgmt/ui/types.ts and
 * src/mgmt/telemetry on the server) and the management API's TSB objects (/v2/...).
 */

/** One edge of the topology over the server's window. */
export interface EdgeStats {
  id: string;
  sourceWorkload: string;
  sourceCluster: string;
  destinationService: string;
  destinationCluster: string;
  rps: number;
  requests: number;
  errors: number;
  errorShare: number;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  crossCluster: boolean;
}

/** A change in which cluster serves a client. */
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

/** GET /ui/api/topology. */
export interface Topology {
  source: 'scrape' | 'prometheus';
  atMs: number;
  windowMs: number;
  edges: EdgeStats[];
  events: RoutingEvent[];
  targets: { url: string; ok: boolean; lastScrapeMs: number; error?: string }[];
}

/** One cluster as its own API reports it (GET /ui/api/inventory -> { clusters }). */
export interface ClusterInventory {
  name: string;
  region?: string;
  zone?: string;
  gateways: { namespace: string; name: string; addresses: string[] }[];
  services: { namespace: string; name: string; readyEndpoints: number }[];
  workloadEntries: { namespace: string; name: string; address: string }[];
  reachable: boolean;
  error?: string;
}

/** GET /ui/api/session. */
export interface Session {
  name: string;
  role: string;
  canEdit: boolean;
  /** Present for a cookie session: echoed in the `x-meshbridge-csrf` header of every write. */
  csrf?: string;
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

/** One endpoint of a failover priority table. */
export interface FailoverEndpoint {
  cluster: string;
  kind: 'pod' | 'WorkloadEntry' | 'ServiceEntry endpoint';
  name: string;
  address: string;
  locality: string;
  /** Pod readiness; absent for remote entries (outlier detection checks those). */
  ready?: boolean;
  rawPriority: number;
  priority: number;
  why: string;
}

/** GET /ui/api/failover?service=&namespace=&from= (the federation's `explain failover`). */
export interface FailoverReport {
  service: string;
  namespace: string;
  client: string;
  clientLocality: string;
  endpoints: FailoverEndpoint[];
  targets: { cluster: string; message: string }[];
  notTargets: { cluster: string; reason: string; message: string }[];
  warnings: string[];
}
