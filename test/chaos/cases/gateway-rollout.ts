/**
 * Chaos case: a rollout of the East-West gateway under load. cluster-1's details is at 0, so every details call
 * goes through cluster-2's gateway; the gateway is re-applied with the example's `istio-locality` overlay
 * (eastwest-gateway-locality.yaml: a changed pod template), so its Deployment rolls: the new pod starts beside
 * the old one (the load balancer, not the pod, owns the Service's addresses), turns ready and becomes an endpoint,
 * then the old one is removed. 0 failed requests. Recovery is the time until the new pod is the only one, ready,
 * with the overlay's label. The case restores the shared baseline after (the plain gateway re-applied and rolled
 * out again, details back in cluster-1).
 */
import { join } from 'node:path';
import { C2 } from '../../../src/demo/walkthrough.js';
import { EXAMPLES } from '../../support/paths.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { eventually, until } from '../support.js';
import { baselineTopology, GATEWAY, pods, throughGateway, waitGatewayEndpoints } from './topology.js';

const LOCALITY = 'eu-remote-1';

/** Whether the gateway has rolled out to one ready pod with (or without) the overlay's locality label. */
async function rolledOut(ctx: ChaosContext, locality: string | undefined): Promise<boolean> {
  const ps = await pods(ctx, C2, GATEWAY);
  return ps.length === 1 && ps[0]!.ready && !ps[0]!.terminating && ps[0]!.labels['istio-locality'] === locality;
}

export const gatewayRolloutCase: ChaosCase = {
  name:
    "a rollout of cluster-2's East-West gateway (re-applied with the istio-locality overlay) while cluster-1's " +
    'details has 0 replicas: the new pod takes over, 0 failed requests',
  prepare: (ctx) => throughGateway(ctx, 1),
  async restore(ctx) {
    await ctx.kubectl(C2, 'apply', '-f', join(EXAMPLES, 'eastwest-gateway.yaml'));
    await eventually('the plain gateway rolled out again', async () =>
      (await rolledOut(ctx, undefined)) ? true : undefined,
    );
    await baselineTopology(ctx);
  },
  async inject(ctx) {
    await ctx.kubectl(C2, 'apply', '-f', join(EXAMPLES, 'eastwest-gateway-locality.yaml'));
    return async () => {
      await until(() => rolledOut(ctx, LOCALITY));
      await waitGatewayEndpoints(ctx, 1);
    };
  },
};
