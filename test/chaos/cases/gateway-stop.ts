/**
 * Chaos case: SIGSTOP of one East-West gateway replica (a silent failure: its connections stay open, nothing
 * answers). As in gateway-kill.ts, cluster-1's details is at 0 and the gateway runs 2 replicas. Calls stuck on the
 * stopped replica are cut by the per-try timeout and retried on another host, and outlier detection ejects what
 * stops answering: 0 failed requests. The replica stays stopped for {@link STOPPED_MS}, then gets SIGCONT;
 * recovery is the time until it is a ready endpoint again (so it includes the stop). The report's "first answer
 * after the fault" is the time to the first remote answer: every answer is cluster-2's here.
 */
import { C2 } from '../../../src/demo/walkthrough.js';
import type { ChaosCase } from '../support.js';
import { sleep, until } from '../support.js';
import {
  containerPid,
  GATEWAY,
  pods,
  PROXY_CONTAINER,
  GATEWAY_REPLICAS,
  THROUGH_GATEWAY,
  waitGatewayEndpoints,
} from './topology.js';

/** How long the replica stays stopped: longer than a per-try timeout and the readiness probe's failure window. */
const STOPPED_MS = 5_000;

function stopOneGatewayReplica(): ChaosCase {
  let stopped: number | undefined;
  const resume = (): void => {
    if (stopped === undefined) return;
    try {
      process.kill(stopped, 'SIGCONT');
    } catch {
      // Already gone: nothing to resume.
    }
    stopped = undefined;
  };
  return {
    name:
      "SIGSTOP of one of two East-West gateway pods in cluster-2 while cluster-1's details has 0 replicas: calls " +
      'move to the other replica, 0 failed requests; SIGCONT after 5 s',
    topology: THROUGH_GATEWAY,
    // Never leave a stopped process behind, also when the case failed before its SIGCONT.
    restore: () => Promise.resolve(resume()),
    async inject(ctx) {
      const [pod] = await pods(ctx, C2, GATEWAY);
      if (!pod) throw new Error(`${C2}: no ${GATEWAY} pod`);
      stopped = containerPid(ctx, C2, pod.uid, PROXY_CONTAINER);
      process.kill(stopped, 'SIGSTOP');
      return async () => {
        await sleep(STOPPED_MS);
        resume();
        await until(async () => (await pods(ctx, C2, GATEWAY)).every((p) => p.ready));
        await waitGatewayEndpoints(ctx, GATEWAY_REPLICAS);
      };
    },
  };
}

export const gatewayStopCase: ChaosCase = stopOneGatewayReplica();
