/**
 * What the gateway and sidecar cases need to shape the bed and find their target: pods and their processes (the
 * pod runner's `pod-pids.json`), scaling cluster-1's details and cluster-2's East-West gateway, and waiting until
 * product pages show which cluster served details. Changes go through real kubectl, polls through the API
 * (ChaosContext.get), and processes are found in the runner's files.
 */
import { join } from 'node:path';
import { C1, C2 } from '../../../src/demo/walkthrough.js';
import { readRecords } from '../../../src/local/runner/adoption.js';
import type { ChaosContext, ChaosTopology } from '../support.js';
import { eventually } from '../support.js';

export const NS = 'bookinfo';
export const GATEWAY = 'eastwest-gateway';
/** The container the mesh adds to every pod (sidecar), and the gateway pod's only container. */
export const PROXY_CONTAINER = 'istio-proxy';
/** How long shaping the bed may take (pods start, readiness probes, the federation's entries). */
const SHAPE_TIMEOUT_MS = 90_000;

/** One pod as a case sees it. */
export interface PodView {
  readonly name: string;
  readonly uid: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  /** Restart count of each container. */
  readonly restarts: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<string, string>>;
}

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  status?: {
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; restartCount: number }[];
  };
}

/** The pods of `app` in the bookinfo namespace of `cluster`. */
export async function pods(ctx: ChaosContext, cluster: string, app: string): Promise<PodView[]> {
  // Through the API, not kubectl: cases poll this every 50 ms while the load runs (ChaosContext.get).
  const path = `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(`app=${app}`)}`;
  const list = JSON.parse(await ctx.get(cluster, path)) as { items: PodJson[] };
  return list.items.map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    terminating: p.metadata.deletionTimestamp !== undefined,
    restarts: Object.fromEntries((p.status?.containerStatuses ?? []).map((c) => [c.name, c.restartCount])),
    labels: p.metadata.labels ?? {},
  }));
}

/** The pid the pod runner recorded for one container of one pod; throws when it has none. */
export function containerPid(ctx: ChaosContext, cluster: string, podUid: string, container: string): number {
  const records = readRecords(join(ctx.home, 'clusters', cluster, 'pod-pids.json'));
  const found = records.find((r) => r.uid === podUid && r.container === container);
  if (!found) throw new Error(`${cluster}: no process recorded for container ${container} of pod uid ${podUid}`);
  return found.pid;
}

/** Waits until `app` has exactly `replicas` pods in `cluster`, all ready, none terminating. */
export async function waitPodsReady(ctx: ChaosContext, cluster: string, app: string, replicas: number): Promise<void> {
  await eventually(
    `${cluster}: ${replicas} ready pod(s) of ${app}`,
    async () => {
      const ps = await pods(ctx, cluster, app);
      return ps.length === replicas && ps.every((p) => p.ready && !p.terminating) ? true : undefined;
    },
    SHAPE_TIMEOUT_MS,
  );
}

/**
 * Waits until `n` product pages in a row show the Book Details block served by `cluster`: the sidecars have the
 * endpoints the topology implies (e.g. only cluster-2's once cluster-1 has no details).
 */
export async function waitServedBy(ctx: ChaosContext, cluster: string, n = 10): Promise<void> {
  await eventually(
    `${n} pages in a row with details served by ${cluster}`,
    async () => {
      for (let i = 0; i < n; i++) {
        const s = await ctx.page();
        if (!s.ok || s.detailsCluster !== cluster) return undefined;
      }
      return true;
    },
    SHAPE_TIMEOUT_MS,
  );
}

/** Scales cluster-1's details and waits until pages show the result (served by cluster-1, or by cluster-2 at 0). */
export async function scaleLocalDetails(ctx: ChaosContext, replicas: number): Promise<void> {
  await ctx.kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', NS, `--replicas=${replicas}`);
  if (replicas > 0) await waitPodsReady(ctx, C1, 'details', replicas);
  else
    await eventually(
      `${C1}: no details pod`,
      async () => ((await pods(ctx, C1, 'details')).length === 0 ? true : undefined),
      SHAPE_TIMEOUT_MS,
    );
  await waitServedBy(ctx, replicas > 0 ? C1 : C2);
}

/**
 * Sets the replicas of cluster-2's East-West gateway through its IngressGateway (`spec.kubeSpec.deployment.replicas`;
 * the gateway controller owns the Deployment, so scaling the Deployment itself would be undone) and waits until as
 * many ready pods are the Service's endpoints (what the L4 load balancer forwards to).
 */
export async function setGatewayReplicas(ctx: ChaosContext, replicas: number): Promise<void> {
  const patch = { spec: { kubeSpec: { deployment: { replicas } } } };
  await ctx.kubectl(C2, 'patch', 'ingressgateway', GATEWAY, '-n', NS, '--type', 'merge', '-p', JSON.stringify(patch));
  await waitPodsReady(ctx, C2, GATEWAY, replicas);
  await waitGatewayEndpoints(ctx, replicas);
}

/** Waits until the gateway Service has `n` ready endpoint addresses. */
export async function waitGatewayEndpoints(ctx: ChaosContext, n: number): Promise<void> {
  await eventually(
    `${C2}: ${n} ready endpoint(s) of the ${GATEWAY} Service`,
    async () => {
      const ep = JSON.parse(await ctx.kubectl(C2, 'get', 'endpoints', GATEWAY, '-n', NS, '-o', 'json')) as {
        subsets?: { addresses?: unknown[] }[];
      };
      const ready = (ep.subsets ?? []).reduce((k, s) => k + (s.addresses?.length ?? 0), 0);
      return ready === n ? true : undefined;
    },
    SHAPE_TIMEOUT_MS,
  );
}

/**
 * The topology of the gateway cases: cluster-1's details at 0 (every details call goes through cluster-2's
 * gateway) and the gateway at 2 replicas behind its LoadBalancer Service. Left by going back to the shared
 * baseline: cluster-1's details at 1 replica, ready and serving again, and one gateway replica.
 */
/** Gateway replicas in {@link THROUGH_GATEWAY}. */
export const GATEWAY_REPLICAS = 2;

export const THROUGH_GATEWAY: ChaosTopology = {
  name: "cluster-1's details at 0, cluster-2's gateway at 2 replicas",
  async enter(ctx) {
    await setGatewayReplicas(ctx, GATEWAY_REPLICAS);
    await scaleLocalDetails(ctx, 0);
  },
  async leave(ctx) {
    await scaleLocalDetails(ctx, 1);
    await setGatewayReplicas(ctx, 1);
  },
};
