/**
 * The federation controller's public surface: the pure plan and explain, the controller and its seams (config
 * source, cluster connector, status sink), and the composition root `startFederation` that `meshbridge controller`
 * and the local control process both call. Code outside src/federation imports from here.
 */
export { plan, PLAN_WARNINGS, type PlanInput, type PlanOutput, type PlanWarning } from './plan.js';
export { buildInventory, type ClusterInventory, type RawClusterObjects } from './inventory.js';
export { decideTarget, type NotTargetReason, type TargetDecision } from './targets.js';
export { explainFailover, formatExplain, type ExplainClient, type ExplainReport } from './explain.js';
export { clientOf, ExplainClientError } from './explain-client.js';
export { diff, applyChanges, MANAGED_SELECTOR, OWNED_KINDS, type Change, type ApplyResult } from './apply.js';
export { startFederation, type FederationOptions } from './bootstrap.js';
export { startHealthServer, type HealthServer } from './health.js';
export { LeaderElector, type LeaderElectionOptions } from './leader.js';
export { recordControllerMetrics } from './metrics.js';
export { INVENTORY_KINDS } from './cluster-watch.js';
export { FederationController, type FederationControllerOptions, type ReconcileResult } from './controller.js';
export {
  HttpConfigSource,
  InMemoryConfigSource,
  configFromObjects,
  fetchSnapshot,
  type ConfigSnapshot,
  type ConfigSource,
} from './config-source.js';
export { HttpStatusSink, MemoryStatusSink, type StatusReport, type StatusSink } from './status.js';
export { statusReports } from './status-report.js';
export { kubeconfigConnector, readInventory } from './connect.js';
export { evaluate, loadConfig, type ConfigOrigin, type Evaluation } from './session.js';
export { dryRun, formatDryRun, type ClusterDryRun, type DryRunReport } from './dry-run.js';
export { systemResolver, resolveGatewayNames, type Resolver } from './resolve.js';
export * from './types.js';
