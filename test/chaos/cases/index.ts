/**
 * Every chaos case, in the order the suite runs them on its one pair of clusters: first the same load without a
 * fault (baseline.ts), so a machine too busy to carry the load shows as such; a failover drill of details in
 * cluster-1 (`drill.ts`: the mesh drains it, no pod is touched) and its failback held back and ramped by a
 * FailoverPolicy (`failback-policy.ts`); cluster-2's details dying behind its live gateway, found by cluster-1's
 * prober (`remote-probe.ts`); then one module per fault:
 * `process-kill.ts` (the platform's processes: both cluster processes, the control process), `sidecar-kill.ts` (a
 * details sidecar in cluster-1, with cluster-2's copy healthy), `mgmt-restart.ts` (the management plane restarted
 * on PostgreSQL), then the cases that need details to go through cluster-2's East-West gateway (topology.ts,
 * THROUGH_GATEWAY): kill -9 and SIGSTOP of one of its two replicas (`gateway-kill.ts`, `gateway-stop.ts`) and its
 * rollout (`gateway-rollout.ts`). Cases sharing a topology run one after the other, so the bed enters it once and
 * goes back to the shared baseline once, after the last of them.
 */
import type { ChaosCase } from '../support.js';
import { baselineCase } from './baseline.js';
import { processKillCases } from './process-kill.js';
import { sidecarKillCase } from './sidecar-kill.js';
import { mgmtRestartCase } from './mgmt-restart.js';
import { drillCase } from './drill.js';
import { scheduledDrillCase } from './scheduled-drill.js';
import { failbackPolicyCase } from './failback-policy.js';
import { remoteProbeCase } from './remote-probe.js';
import { gatewayKillCase } from './gateway-kill.js';
import { gatewayStopCase } from './gateway-stop.js';
import { gatewayRolloutCase } from './gateway-rollout.js';

export const CHAOS_CASES: readonly ChaosCase[] = [
  baselineCase,
  // Before the faults: a host an earlier case got ejected stays ejected for its ejection time, which holds the
  // failback back (run after the sidecar-kill case, pages came home 20.4 s after the drill started; first, 7.6 s).
  drillCase,
  scheduledDrillCase,
  // Right after the drills for the same reason, and before any fault for the same reason again.
  failbackPolicyCase,
  remoteProbeCase,
  ...processKillCases,
  sidecarKillCase,
  mgmtRestartCase,
  gatewayKillCase,
  gatewayStopCase,
  gatewayRolloutCase,
];
