/**
 * JSON the UI's data routes return (the browser code in ui/src mirrors these shapes in ui/src/wire.ts; the
 * browser tests check both sides against each other).
 */

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
  /** Pod readiness; undefined for remote entries (outlier detection checks those; absent in JSON). */
  ready: boolean | undefined;
  rawPriority: number;
  priority: number;
  why: string;
}

/** GET /ui/api/failover: the failover of one service for clients in one cluster (the shape of ExplainReport). */
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
