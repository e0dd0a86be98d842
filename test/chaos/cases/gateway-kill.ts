/**
 * Chaos case: kill -9 of one East-West gateway pod. cluster-1's details is scaled to 0 first, so every details
 * call goes through cluster-2's gateway, which runs 2 replicas behind its LoadBalancer Service (the cluster's L4
 * load balancer forwards each connection to a ready replica). One replica's process is killed: its connections
 * break, the calls on them are retried, new connections reach the other replica: 0 failed requests. Recovery is
 * the time until the runner restarted the killed replica and it is a ready endpoint of the Service again. The
 * topology (THROUGH_GATEWAY) is left, back to the shared baseline (details in cluster-1 at 1 replica, ready), after
 * the last gateway case.
 */
import { C2 } from '../../../src/demo/walkthrough.js';
import type { ChaosCase } from '../support.js';
import { until } from '../support.js';
import {
  containerPid,
  GATEWAY,
  pods,
  PROXY_CONTAINER,
  GATEWAY_REPLICAS,
  THROUGH_GATEWAY,
  waitGatewayEndpoints,
} from './topology.js';

export const gatewayKillCase: ChaosCase = {
  name:
    "kill -9 of one of two East-West gateway pods in cluster-2 while cluster-1's details has 0 replicas: the " +
    'other replica takes every call, 0 failed requests',
  topology: THROUGH_GATEWAY,
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
      await waitGatewayEndpoints(ctx, GATEWAY_REPLICAS);
    };
  },
};
