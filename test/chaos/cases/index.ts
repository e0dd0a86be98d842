/**
 * Every chaos case, in the order the suite runs them on its one pair of clusters: first the same load without a
 * fault (baseline.ts), so a machine too busy to carry the load shows as such; then one module per fault:
 * `process-kill.ts` (the platform's processes: both cluster processes, the control process), `sidecar-kill.ts` (a
 * details sidecar in cluster-1, with cluster-2's copy healthy), `gateway-kill.ts` and `gateway-stop.ts` (kill -9
 * and SIGSTOP of one of two East-West gateway replicas while details only exists in cluster-2),
 * `gateway-rollout.ts` (the gateway re-applied with a changed pod template under the same topology) and
 * `mgmt-restart.ts` (the management plane restarted on PostgreSQL). Cases that change the topology restore the
 * shared baseline after themselves, so the order only matters for the baseline case.
 */
import type { ChaosCase } from '../support.js';
import { baselineCase } from './baseline.js';
import { processKillCases } from './process-kill.js';
import { sidecarKillCase } from './sidecar-kill.js';
import { gatewayKillCase } from './gateway-kill.js';
import { gatewayStopCase } from './gateway-stop.js';
import { gatewayRolloutCase } from './gateway-rollout.js';
import { mgmtRestartCase } from './mgmt-restart.js';

export const CHAOS_CASES: readonly ChaosCase[] = [
  baselineCase,
  ...processKillCases,
  sidecarKillCase,
  gatewayKillCase,
  gatewayStopCase,
  gatewayRolloutCase,
  mgmtRestartCase,
];
