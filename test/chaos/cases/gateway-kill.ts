/**
 * Chaos case: kill -9 of one East-West gateway pod. cluster-1's details is scaled to 0 first, so every details
 * call goes through cluster-2's gateway, which runs 2 replicas behind its LoadBalancer Service (the cluster's L4
 * load balancer forwards each connection to a ready replica). One replica's process is killed: its connections
 * break, the calls on them are retried, new connections reach the other replica: 0 failed requests. Recovery is
 * the time until the runner restarted the killed replica and it is a ready endpoint of the Service again. The case
 * restores the shared baseline (details back in cluster-1, one gateway replica) after.
 */
import { C2 } from '../../../src/demo/walkthrough.js';
import type { ChaosCase } from '../support.js';
import { until } from '../support.js';
import {
  baselineTopology,
  containerPid,
  GATEWAY,
  pods,
  PROXY_CONTAINER,
  throughGateway,
  waitGatewayEndpoints,
} from './topology.js';

export const gatewayKillCase: ChaosCase = {
  name:
    "kill -9 of one of two East-West gateway pods in cluster-2 while cluster-1's details has 0 replicas: the " +
    'other replica takes every call, 0 failed requests',
  prepare: (ctx) => throughGateway(ctx, 2),
  restore: (ctx) => baselineTopology(ctx),
  async inject(ctx) {
    const [pod] = await pods(ctx, C2, GATEWAY);
    if (!pod) throw new Error(`${C2}: no ${GATEWAY} pod`);
    const before = pod.restarts[PROXY_CONTAINER] ?? 0;
    process.kill(containerPid(ctx, C2, pod.uid, PROXY_CONTAINER), 'SIGKILL');
    return async () => {
      await until(async () => {
        const now = (await pods(ctx, C2, GATEWAY)).find((p) => p.uid === pod.uid);
        return now !== undefined && now.ready && (now.restarts[PROXY_CONTAINER] ?? 0) > before;
      });
      await waitGatewayEndpoints(ctx, 2);
    };
  },
};
