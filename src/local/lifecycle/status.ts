/**
 * `local status`: each cluster under `$MESHBRIDGE_HOME` (running or not, API URL, locality) and, for running
 * ones, its pods as the cluster's API reports them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { clusterPaths, homePaths, type ClusterInfo } from '../config.js';
import { runningPid } from './up.js';
import { readApiToken } from '../api-token.js';

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
  readonly pods: PodSummary[];
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
    if (pid !== undefined && info.apiUrl) {
      try {
        const token = readApiToken(clusterPaths(clusterDir).token) ?? '';
        const res = await fetch(`${info.apiUrl}/api/v1/pods`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(3000),
        });
        const list = (await res.json()) as { items: PodJson[] };
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
    out.push({ info, ...(pid !== undefined ? { pid } : {}), running: pid !== undefined, pods });
  }
  return out;
}
