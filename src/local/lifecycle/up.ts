/**
 * `local up`: starts one detached process per cluster (`dist/local/cluster-main.js`, its own process group so its
 * pods die with the group), waits until each API answers, and writes the kubeconfig. Idempotent: a cluster whose
 * recorded process is alive and healthy is left alone. After a crash (the cluster process gone, maybe its pods
 * still running), the leftover process group is killed and the cluster restarted on its stored objects.
 * Each cluster keeps its API token (api-token.ts) across restarts; the kubeconfig carries every cluster's token.
 * The whole home is made owner-only first (permissions.ts), so homes of older versions are tightened too.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterInfoFor, clusterPaths, homePaths, type ClusterInfo, type ClusterSpec } from '../config.js';
import { callClusterApi } from '../api-client.js';
import { loadOrCreateApiToken, readApiToken } from '../api-token.js';
import { writeKubeconfig, type KubeconfigCluster } from './kubeconfig.js';
import { ensurePrivateDir, tightenHome } from './permissions.js';
import { loadOrCreateRootCA } from '../../identity/index.js';
import { commandLine, groupMembers, isAlive, signal, spawnDetached, waitUntil } from './processes.js';

/** The compiled cluster entry (same relative place from src/local/lifecycle and dist/local/lifecycle). */
export const CLUSTER_MAIN = fileURLToPath(new URL('../../../dist/local/cluster-main.js', import.meta.url));

/** Options of `local up`. */
export interface UpOptions {
  readonly home: string;
  readonly clusters: readonly ClusterSpec[];
  /** Environment of the cluster processes (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for each cluster (default 30 s). */
  readonly timeoutMs?: number;
}

/** What `local up` did for one cluster. */
export interface UpResult {
  readonly info: ClusterInfo;
  readonly pid: number;
  readonly action: 'started' | 'running' | 'recovered';
}

/** The recorded pid of a cluster's process if that process is alive and is a cluster-main. */
export function runningPid(dir: string): number | undefined {
  const paths = clusterPaths(dir);
  if (!existsSync(paths.pid)) return undefined;
  const pid = Number(readFileSync(paths.pid, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes('cluster-main.js')
    ? pid
    : undefined;
}

async function healthy(apiUrl: string | undefined, caPem: string): Promise<boolean> {
  // A plain-HTTP API is a cluster process of an older version, which checked no credential: restart it.
  if (!apiUrl?.startsWith('https://')) return false;
  try {
    const res = await callClusterApi({ server: apiUrl, path: '/readyz', caPem, timeoutMs: 2000 });
    return res.status === 200;
  } catch {
    return false;
  }
}

function readInfo(dir: string): ClusterInfo | undefined {
  try {
    return JSON.parse(readFileSync(clusterPaths(dir).info, 'utf8')) as ClusterInfo;
  } catch {
    return undefined;
  }
}

/** Kills what is left of a cluster whose process died: its process group (pods) by the recorded pid. */
export async function killLeftovers(dir: string): Promise<void> {
  const paths = clusterPaths(dir);
  if (!existsSync(paths.pid)) return;
  const pgid = Number(readFileSync(paths.pid, 'utf8').trim());
  if (!Number.isInteger(pgid) || pgid <= 0) return;
  for (const pid of groupMembers(pgid)) signal(pid, 'SIGKILL');
  await waitUntil(() => groupMembers(pgid).length === 0, 5000);
}

async function startOne(
  home: string,
  spec: ClusterSpec,
  index: number,
  options: UpOptions,
  caPem: string,
): Promise<UpResult> {
  const env = options.env ?? process.env;
  const dir = homePaths(home).cluster(spec.name).dir;
  const paths = clusterPaths(dir);
  ensurePrivateDir(dir);
  // Created here (not only by the cluster process) so the kubeconfig can be written even for a running cluster.
  loadOrCreateApiToken(paths.token);
  const previous = readInfo(dir);
  const live = runningPid(dir);
  if (live !== undefined && (await healthy(previous?.apiUrl, caPem))) {
    return { info: previous as ClusterInfo, pid: live, action: 'running' };
  }
  if (live !== undefined) signal(live, 'SIGKILL');
  const crashed = existsSync(paths.pid);
  await killLeftovers(dir);
  const info: ClusterInfo = {
    ...clusterInfoFor(spec, index, env),
    ...(previous?.apiUrl ? { apiUrl: previous.apiUrl } : {}),
  };
  writeFileSync(paths.info, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  rmSync(paths.ready, { force: true });
  const pid = spawnDetached({
    entry: CLUSTER_MAIN,
    args: [dir],
    logFile: paths.log,
    pidFile: paths.pid,
    env,
    what: `cluster ${spec.name}`,
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ready = await waitUntil(() => {
    if (!isAlive(pid)) return true;
    try {
      return (JSON.parse(readFileSync(paths.ready, 'utf8')) as { pid: number }).pid === pid;
    } catch {
      return false;
    }
  }, timeoutMs);
  const started = readInfo(dir);
  if (!ready || !isAlive(pid) || !(await healthy(started?.apiUrl, caPem))) {
    const tail = readFileSync(paths.log, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`cluster ${spec.name} did not become ready (log ${paths.log}):\n${tail}`);
  }
  return { info: started as ClusterInfo, pid, action: crashed ? 'recovered' : 'started' };
}

/** Brings every cluster up (in order) and writes the kubeconfig with all known clusters. */
export async function localUp(options: UpOptions): Promise<UpResult[]> {
  const { home } = options;
  const paths = homePaths(home);
  ensurePrivateDir(home);
  tightenHome(home);
  ensurePrivateDir(paths.clusters);
  // One root CA for every cluster (each has its own trust domain), created before any cluster needs it.
  await loadOrCreateRootCA(join(home, 'ca'));
  // The CA of the clusters' API serving certificates (server/tls.ts), trusted by the kubeconfig.
  const apiCa = await loadOrCreateRootCA(paths.apiCa, { commonName: 'meshbridge local API CA' });
  const results: UpResult[] = [];
  for (const [i, spec] of options.clusters.entries()) {
    results.push(await startOne(home, spec, i + 1, options, apiCa.certPem));
  }
  const known = new Map(results.map((r) => [r.info.name, r.info]));
  for (const name of readdirSync(paths.clusters)) {
    const info = readInfo(join(paths.clusters, name));
    if (info && !known.has(name) && runningPid(join(paths.clusters, name)) !== undefined) known.set(name, info);
  }
  const withTokens: KubeconfigCluster[] = [];
  for (const info of known.values()) {
    const token = readApiToken(homePaths(home).cluster(info.name).token);
    if (token !== undefined) withTokens.push({ info, token });
  }
  writeKubeconfig(paths.kubeconfig, withTokens, apiCa.certPem);
  writeFileSync(paths.pids, `${results.map((r) => `${r.info.name} ${r.pid}`).join('\n')}\n`, { mode: 0o600 });
  // Files the clusters created while starting (stores, logs, certificates) under an older, wider umask.
  tightenHome(home);
  return results;
}
