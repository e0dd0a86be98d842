/**
 * Chaos case: a rollout of the East-West gateway under load. cluster-1's details is at 0, so every details call
 * goes through cluster-2's gateway; the gateway is re-applied with the example's `istio-locality` overlay
 * (eastwest-gateway-locality.yaml: a changed pod template), so its Deployment rolls: the new pod starts beside
 * the old one (the load balancer, not the pod, owns the Service's addresses), turns ready and becomes an endpoint,
 * then the old one is removed. The gateway runs 2 replicas (THROUGH_GATEWAY), so the rollout surges one new pod
 * at a time and keeps both old ones until the new ones are ready. 0 failed requests. Recovery is the time until
 * the new pods are the only ones, ready, with the overlay's label. The case re-applies the plain gateway after
 * (rolled out again, without load).
 */
import { join } from 'node:path';
import { C2 } from '../../../src/demo/walkthrough.js';
import { EXAMPLES } from '../../support/paths.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { eventually, until } from '../support.js';
import {
  GATEWAY,
  GATEWAY_REPLICAS,
  pods,
  setGatewayReplicas,
  THROUGH_GATEWAY,
  waitGatewayEndpoints,
} from './topology.js';

const LOCALITY = 'eu-remote-1';

/** Whether every gateway pod is ready, none terminating, all with (or all without) the overlay's label. */
async function rolledOut(ctx: ChaosContext, locality: string | undefined): Promise<boolean> {
  const ps = await pods(ctx, C2, GATEWAY);
  return (
    ps.length === GATEWAY_REPLICAS &&
    ps.every((p) => p.ready && !p.terminating && p.labels['istio-locality'] === locality)
  );
}

export const gatewayRolloutCase: ChaosCase = {
  name:
    "a rollout of cluster-2's East-West gateway (re-applied with the istio-locality overlay) while cluster-1's " +
    'details has 0 replicas: the new pod takes over, 0 failed requests',
  topology: THROUGH_GATEWAY,
  async restore(ctx) {
    // The plain file has no kubeSpec: applying it over the overlay's drops the replica count too, so set it again.
    await ctx.kubectl(C2, 'apply', '-f', join(EXAMPLES, 'eastwest-gateway.yaml'));
    await setGatewayReplicas(ctx, GATEWAY_REPLICAS);
    await eventually('the plain gateway rolled out again', async () =>
      (await rolledOut(ctx, undefined)) ? true : undefined,
    );
    await waitGatewayEndpoints(ctx, GATEWAY_REPLICAS);
  },
  async inject(ctx) {
    await ctx.kubectl(C2, 'apply', '-f', join(EXAMPLES, 'eastwest-gateway-locality.yaml'));
    return async () => {
      await until(() => rolledOut(ctx, LOCALITY));
      await waitGatewayEndpoints(ctx, GATEWAY_REPLICAS);
    };
  },
};
