/**
 * `local status`: each cluster under `$MESHBRIDGE_HOME` (running or not, API URL, locality, how often the
 * supervisor restarted it) and, for running ones, its pods as the cluster's API reports them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { clusterPaths, homePaths, type ClusterInfo } from '../config.js';
import { CA_FILES } from '../../identity/index.js';
import { runningPid } from './up.js';
import { lbPid } from './lb-process.js';
import { readSupervisorState } from './supervisor.js';
import { readApiToken } from '../api-token.js';
import { callClusterApi } from '../api-client.js';
import { CONVERGENCE_PATH, type ConvergenceList } from '../server/convergence-api.js';

/** The API CA's certificate (undefined before the first `local up`). */
function apiCaPem(home: string): string | undefined {
  try {
    return readFileSync(join(homePaths(home).apiCa, CA_FILES.cert), 'utf8');
  } catch {
    return undefined;
  }
}

/** One pod line of the status. */
export interface PodSummary {
  readonly namespace: string;
  readonly name: string;
  readonly phase: string;
  readonly ready: string;
  readonly restarts: number;
  readonly ip: string;
}

/** One cluster of the status. */
export interface ClusterStatus {
  readonly info: ClusterInfo;
  readonly pid?: number;
  readonly running: boolean;
  /** Restarts of its process by the supervisor (crashes recovered without a command). */
  readonly restarts: number;
  /** Its L4 load balancer process (lb-main.ts): pid when running, and restarts by the supervisor. */
  readonly loadBalancer: { readonly pid?: number; readonly restarts: number };
  readonly pods: PodSummary[];
  /**
   * The mesh control plane's convergence (running clusters with a mesh): how many Services and ServiceEntry hosts
   * it serves, how many are `Converged`, and the `ProxiesPending` ones with their `ACKed by N of M` message.
   */
  readonly xds?: XdsConvergenceSummary;
}

/** See {@link ClusterStatus.xds}. */
export interface XdsConvergenceSummary {
  readonly objects: number;
  readonly converged: number;
  readonly pending: readonly { readonly object: string; readonly message: string }[];
}

/** Summarises the cluster API's convergence list (server/convergence-api.ts). */
export function summariseConvergence(list: ConvergenceList): XdsConvergenceSummary {
  const pending = list.items
    .filter((o) => o.conditions[0].status !== 'True')
    .map((o) => ({ object: `${o.kind} ${o.namespace}/${o.name}`, message: o.conditions[0].message }));
  return { objects: list.items.length, converged: list.items.length - pending.length, pending };
}

interface PodJson {
  metadata: { name: string; namespace: string };
  spec?: { containers?: unknown[] };
  status?: { phase?: string; podIP?: string; containerStatuses?: { ready?: boolean; restartCount?: number }[] };
}

/** Reads the status of every cluster. */
export async function localStatus(home: string): Promise<ClusterStatus[]> {
  const dir = homePaths(home).clusters;
  if (!existsSync(dir)) return [];
  const out: ClusterStatus[] = [];
  const supervised = readSupervisorState(home);
  for (const name of readdirSync(dir).sort()) {
    const clusterDir = join(dir, name);
    let info: ClusterInfo;
    try {
      info = JSON.parse(readFileSync(clusterPaths(clusterDir).info, 'utf8')) as ClusterInfo;
    } catch {
      continue;
    }
    const pid = runningPid(clusterDir);
    let pods: PodSummary[] = [];
    let xds: XdsConvergenceSummary | undefined;
    if (pid !== undefined && info.apiUrl) {
      const call = (path: string) =>
        callClusterApi({
          server: info.apiUrl as string,
          path,
          token: readApiToken(clusterPaths(clusterDir).token),
          caPem: apiCaPem(home),
          timeoutMs: 3000,
        });
      try {
        const res = await call(CONVERGENCE_PATH);
        if (res.status === 200) xds = summariseConvergence(JSON.parse(res.text) as ConvergenceList);
      } catch {
        xds = undefined;
      }
      try {
        const res = await call('/api/v1/pods');
        const list = JSON.parse(res.text) as { items: PodJson[] };
        pods = list.items.map((p) => {
          const cs = p.status?.containerStatuses ?? [];
          return {
            namespace: p.metadata.namespace,
            name: p.metadata.name,
            phase: p.status?.phase ?? 'Pending',
            ready: `${cs.filter((c) => c.ready).length}/${Math.max(cs.length, p.spec?.containers?.length ?? 0)}`,
            restarts: cs.reduce((n, c) => n + (c.restartCount ?? 0), 0),
            ip: p.status?.podIP ?? '',
          };
        });
      } catch {
        pods = [];
      }
    }
    const restarts = supervised[`cluster/${name}`]?.restarts ?? 0;
    const lb = lbPid(clusterDir);
    const loadBalancer = {
      ...(lb !== undefined ? { pid: lb } : {}),
      restarts: supervised[`lb/${name}`]?.restarts ?? 0,
    };
    out.push({
      info,
      ...(pid !== undefined ? { pid } : {}),
      running: pid !== undefined,
      restarts,
      loadBalancer,
      pods,
      ...(xds ? { xds } : {}),
    });
  }
  return out;
}
