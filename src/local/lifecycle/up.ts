/**
 * `local up`: starts one detached process per cluster (`dist/local/cluster-main.js`, its own process group), waits
 * until each API answers, writes the kubeconfig, and leaves the home's supervisor (supervisor.ts) running, which
 * restarts a crashed cluster or control process by itself. Idempotent: a cluster whose recorded process is alive
 * and healthy is left alone. After a crash (the cluster process gone, its pods still running) the cluster process is
 * started again on its stored objects and adopts the pods that still run (runner/adoption.ts): healthy pods are
 * never restarted. Supervision is paused while `local up` works, so the two never start the same process twice.
 * Each cluster keeps its API token (api-token.ts) across restarts; the kubeconfig carries every cluster's token.
 * The whole home is made owner-only first (permissions.ts), so homes of older versions are tightened too.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterInfoFor, clusterPaths, homePaths, type ClusterInfo, type ClusterSpec } from '../config.js';
import { callClusterApi } from '../api-client.js';
import { loadOrCreateApiToken, readApiToken } from '../api-token.js';
import { writeKubeconfig, type KubeconfigCluster } from './kubeconfig.js';
import { ensurePrivateDir, tightenHome } from './permissions.js';
import { loadOrCreateRootCA } from '../../identity/index.js';
import { isAlive, recordedPid, signal, spawnDetached, waitUntil } from './processes.js';
import { pauseSupervision, resumeSupervision } from './supervisor.js';
import { lbPid, lbStarted, spawnLb } from './lb-process.js';

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

/** The recorded pid of a cluster's process if that process is alive and is this home's cluster-main. */
export function runningPid(dir: string): number | undefined {
  return recordedPid(clusterPaths(dir).pid, 'cluster-main.js', dirname(dirname(resolve(dir))));
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

/**
 * Starts a cluster's process on its recorded `cluster.json` (does not wait). Used by `local up` and by the
 * supervisor; the process adopts the pods an earlier one left running.
 */
export function spawnCluster(options: { home: string; dir: string; env: NodeJS.ProcessEnv; name: string }): number {
  const paths = clusterPaths(options.dir);
  rmSync(paths.ready, { force: true });
  return spawnDetached({
    entry: CLUSTER_MAIN,
    home: options.home,
    args: [options.dir],
    logFile: paths.log,
    pidFile: paths.pid,
    env: options.env,
    what: `cluster ${options.name}`,
  });
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
    await ensureLoadBalancer(home, dir, spec.name, env);
    return { info: previous as ClusterInfo, pid: live, action: 'running' };
  }
  // A live but unhealthy cluster process is replaced; its pods are not touched (the new process adopts them).
  if (live !== undefined) {
    signal(live, 'SIGKILL');
    await waitUntil(() => !isAlive(live), 5000);
  }
  const crashed = existsSync(paths.pid);
  const info: ClusterInfo = {
    ...clusterInfoFor(spec, index, env),
    // The previous API and xDS ports: kubeconfigs stay valid and adopted sidecars reconnect.
    ...(previous?.apiUrl ? { apiUrl: previous.apiUrl } : {}),
    ...(previous?.xdsAddress ? { xdsAddress: previous.xdsAddress } : {}),
  };
  writeFileSync(paths.info, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  const pid = spawnCluster({ home, dir, env, name: spec.name });
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
  // Probed until the deadline, not once: on a saturated machine a fresh process may answer its first probe late.
  const deadline = Date.now() + timeoutMs;
  let answers = ready && isAlive(pid) && (await healthy(started?.apiUrl, caPem));
  while (!answers && ready && isAlive(pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    answers = await healthy(started?.apiUrl, caPem);
  }
  if (!answers) {
    const tail = readFileSync(paths.log, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`cluster ${spec.name} did not become ready (log ${paths.log}):\n${tail}`);
  }
  await ensureLoadBalancer(home, dir, spec.name, env);
  return { info: started as ClusterInfo, pid, action: crashed ? 'recovered' : 'started' };
}

/** Starts the cluster's load balancer process unless it runs (a running one is kept: it serves live traffic). */
async function ensureLoadBalancer(home: string, dir: string, name: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (lbPid(dir) !== undefined) return;
  const pid = spawnLb({ home, dir, env, name });
  if (!(await lbStarted(dir, pid, 15_000))) {
    const tail = readFileSync(clusterPaths(dir).lbLog, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`the load balancer of cluster ${name} did not start (log ${clusterPaths(dir).lbLog}):\n${tail}`);
  }
}

/** Brings every cluster up (in order) and writes the kubeconfig with all known clusters. */
export async function localUp(options: UpOptions): Promise<UpResult[]> {
  const home = resolve(options.home);
  const paths = homePaths(home);
  const env = options.env ?? process.env;
  ensurePrivateDir(home);
  tightenHome(home);
  ensurePrivateDir(paths.clusters);
  // One root CA for every cluster (each has its own trust domain), created before any cluster needs it.
  await loadOrCreateRootCA(join(home, 'ca'));
  // The CA of the clusters' API serving certificates (server/tls.ts), trusted by the kubeconfig.
  const apiCa = await loadOrCreateRootCA(paths.apiCa, { commonName: 'meshbridge local API CA' });
  const results: UpResult[] = [];
  await pauseSupervision(home);
  try {
    for (const [i, spec] of options.clusters.entries()) {
      results.push(await startOne(home, spec, i + 1, options, apiCa.certPem));
    }
  } finally {
    await resumeSupervision({ home, env, clusters: results.map((r) => r.info.name) });
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
