/**
 * Chaos case: kill -9 of a sidecar. The sidecar of cluster-1's details pod dies while productpage calls details
 * through it; cluster-2's copy of details (through its East-West gateway) stays healthy, so the calls that hit the
 * dead sidecar are retried on another host (the previous_hosts predicate) and outlier detection ejects it: 0
 * failed requests. The pod runner restarts the container by itself; recovery is the time until the pod is Ready
 * again with one more restart of its sidecar.
 */
import { C1 } from '../../../src/demo/walkthrough.js';
import type { ChaosCase } from '../support.js';
import { until } from '../support.js';
import { containerPid, pods, PROXY_CONTAINER } from './topology.js';

export const sidecarKillCase: ChaosCase = {
  name:
    "kill -9 of the sidecar of cluster-1's details pod: calls go to cluster-2's copy until the runner restarts " +
    'it, 0 failed requests',
  async inject(ctx) {
    const [pod, ...others] = await pods(ctx, C1, 'details');
    if (!pod || others.length > 0) throw new Error(`${C1}: expected one details pod, found ${others.length + 1}`);
    const before = pod.restarts[PROXY_CONTAINER] ?? 0;
    process.kill(containerPid(ctx, C1, pod.uid, PROXY_CONTAINER), 'SIGKILL');
    return () =>
      until(async () => {
        const now = (await pods(ctx, C1, 'details')).find((p) => p.uid === pod.uid);
        return now !== undefined && now.ready && (now.restarts[PROXY_CONTAINER] ?? 0) > before;
      });
  },
};
