/**
 * The resource metrics API (`metrics.k8s.io/v1beta1`, what metrics-server serves and `kubectl top` reads): a
 * PodMetrics per running pod with one entry per container process (the sidecar included, as a second container)
 * and a NodeMetrics for the cluster's node (its pods plus the cluster process itself). CPU is a rate over a window:
 * the usage since the previous reading of the process when that is 0.5 s to 5 min old, else over a fresh 0.5 s
 * window. Memory is the resident set size. Read-only: get and list.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sampleProcess, type ProcSample } from '../runner/proc-stats.js';
import { labelMatcher } from './selectors.js';
import { ApiError } from './status.js';

/** The metrics group and version. */
export const METRICS_GROUP_VERSION = 'metrics.k8s.io/v1beta1';
const MIN_WINDOW_MS = 500;
const MAX_WINDOW_MS = 5 * 60_000;

/** A running pod's processes, as the pod runner knows them. */
export interface PodProcesses {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly { readonly name: string; readonly pid: number }[];
}

/** Where the metrics come from. */
export interface MetricsSource {
  /** The node's name. */
  readonly nodeName: string;
  /** Pods with running processes. */
  pods(): readonly PodProcesses[];
  /** Processes counted on the node besides the pods (the cluster process). */
  readonly hostPids: readonly number[];
}

/** Usage of a set of processes. */
export interface Usage {
  readonly cpuNanoCores: number;
  readonly memoryBytes: number;
}

/** Pure: a usage as Kubernetes quantities (`12345n` nanocores, `2048Ki`). */
export function usageQuantities(u: Usage): { cpu: string; memory: string } {
  return { cpu: `${Math.max(0, Math.round(u.cpuNanoCores))}n`, memory: `${Math.ceil(u.memoryBytes / 1024)}Ki` };
}

/** Pure: CPU nanocores between two readings `elapsedMs` apart. */
export function cpuRate(before: ProcSample, after: ProcSample, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return ((after.cpuSeconds - before.cpuSeconds) * 1e9 * 1000) / elapsedMs;
}

/** Measures processes, remembering each one's last reading for the next window. */
export class UsageMeter {
  private readonly last = new Map<number, { at: number; sample: ProcSample }>();

  /** Usage per pid (pids that are gone are left out) and the window it covers. */
  async measure(pids: readonly number[]): Promise<{ usage: Map<number, Usage>; windowMs: number }> {
    const first = new Map<number, { at: number; sample: ProcSample }>();
    let now = Date.now();
    let needFresh = false;
    for (const pid of pids) {
      const prev = this.last.get(pid);
      if (prev && now - prev.at >= MIN_WINDOW_MS && now - prev.at <= MAX_WINDOW_MS) first.set(pid, prev);
      else {
        const s = sampleProcess(pid);
        if (s) first.set(pid, { at: now, sample: s });
        needFresh = true;
      }
    }
    if (needFresh) {
      await new Promise((r) => setTimeout(r, MIN_WINDOW_MS));
      now = Date.now();
    }
    const usage = new Map<number, Usage>();
    let windowMs = MIN_WINDOW_MS;
    for (const [pid, before] of first) {
      const after = sampleProcess(pid);
      if (!after) continue;
      windowMs = Math.max(windowMs, now - before.at);
      usage.set(pid, { cpuNanoCores: cpuRate(before.sample, after, now - before.at), memoryBytes: after.rssBytes });
      this.last.set(pid, { at: now, sample: after });
    }
    for (const pid of this.last.keys()) if (!pids.includes(pid)) this.last.delete(pid);
    return { usage, windowMs };
  }
}

const sum = (list: readonly (Usage | undefined)[]): Usage => ({
  cpuNanoCores: list.reduce((n, u) => n + (u?.cpuNanoCores ?? 0), 0),
  memoryBytes: list.reduce((n, u) => n + (u?.memoryBytes ?? 0), 0),
});

/** `/apis/metrics.k8s.io/v1beta1`: the resources served. */
export function metricsResourceList(): Record<string, unknown> {
  const r = (name: string, kind: string, namespaced: boolean) => ({
    name,
    singularName: '',
    namespaced,
    kind,
    verbs: ['get', 'list'],
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: METRICS_GROUP_VERSION,
    resources: [r('nodes', 'NodeMetrics', false), r('pods', 'PodMetrics', true)],
  };
}

/** The `metrics.k8s.io` entry of `/apis` (and the `/apis/metrics.k8s.io` document). */
export const METRICS_GROUP = {
  name: 'metrics.k8s.io',
  versions: [{ groupVersion: METRICS_GROUP_VERSION, version: 'v1beta1' }],
  preferredVersion: { groupVersion: METRICS_GROUP_VERSION, version: 'v1beta1' },
};

const ROUTE = /^\/apis\/metrics\.k8s\.io\/v1beta1(?:\/namespaces\/([^/]+))?\/(pods|nodes)(?:\/([^/]+))?$/;

/**
 * Serves a metrics request; false when the path is not a metrics resource path. Label selectors are honoured on
 * pods (`kubectl top pod -l`).
 */
async function serveMetrics(
  source: MetricsSource,
  meter: UsageMeter,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  matchesLabels: (labels: Readonly<Record<string, string>>) => boolean,
): Promise<boolean> {
  const m = ROUTE.exec(url.pathname);
  if (!m || req.method !== 'GET') return false;
  const namespace = m[1] ? decodeURIComponent(m[1]) : undefined;
  const plural = m[2];
  const name = m[3] ? decodeURIComponent(m[3]) : undefined;
  const timestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const send = (code: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  const notFound = (what: string): void =>
    send(404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `${what} "${name ?? ''}" not found`,
      details: { name, group: 'metrics.k8s.io', kind: plural },
    });
  if (plural === 'nodes') {
    if (namespace !== undefined) return false;
    if (name !== undefined && name !== source.nodeName) {
      notFound('nodemetrics');
      return true;
    }
    const pids = [...source.pods().flatMap((p) => p.containers.map((c) => c.pid)), ...source.hostPids];
    const { usage, windowMs } = await meter.measure(pids);
    const item = {
      metadata: { name: source.nodeName, creationTimestamp: timestamp },
      timestamp,
      window: `${(windowMs / 1000).toFixed(3)}s`,
      usage: usageQuantities(sum(pids.map((p) => usage.get(p)))),
    };
    send(
      200,
      name
        ? { kind: 'NodeMetrics', apiVersion: METRICS_GROUP_VERSION, ...item }
        : { kind: 'NodeMetricsList', apiVersion: METRICS_GROUP_VERSION, metadata: {}, items: [item] },
    );
    return true;
  }
  const pods = source
    .pods()
    .filter((p) => (namespace === undefined || p.namespace === namespace) && (name === undefined || p.name === name))
    .filter((p) => matchesLabels(p.labels));
  if (name !== undefined && pods.length === 0) {
    notFound('podmetrics');
    return true;
  }
  const { usage, windowMs } = await meter.measure(pods.flatMap((p) => p.containers.map((c) => c.pid)));
  const items = pods.map((p) => ({
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels, creationTimestamp: timestamp },
    timestamp,
    window: `${(windowMs / 1000).toFixed(3)}s`,
    containers: p.containers
      .filter((c) => usage.has(c.pid))
      .map((c) => ({ name: c.name, usage: usageQuantities(usage.get(c.pid) as Usage) })),
  }));
  send(
    200,
    name
      ? { kind: 'PodMetrics', apiVersion: METRICS_GROUP_VERSION, ...items[0] }
      : { kind: 'PodMetricsList', apiVersion: METRICS_GROUP_VERSION, metadata: {}, items },
  );
  return true;
}

/**
 * The metrics API as an extension of the cluster API (api-server.ts `extension`): its discovery documents and
 * resources. The `/apis` entry is added by the API server (`extraApiGroups`). True when the request was taken.
 */
export function metricsExtension(
  source: MetricsSource,
): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  const meter = new UsageMeter();
  return (req, res, url) => {
    if (req.method !== 'GET' || !url.pathname.startsWith('/apis/metrics.k8s.io')) return false;
    const doc =
      url.pathname === '/apis/metrics.k8s.io'
        ? { kind: 'APIGroup', apiVersion: 'v1', ...METRICS_GROUP }
        : url.pathname === `/apis/${METRICS_GROUP_VERSION}`
          ? metricsResourceList()
          : undefined;
    if (doc) {
      const text = JSON.stringify(doc);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    if (!ROUTE.test(url.pathname)) return false;
    let matches: (labels: Readonly<Record<string, string>>) => boolean;
    try {
      const m = labelMatcher(url.searchParams.get('labelSelector') ?? undefined);
      matches = (labels) => m({ apiVersion: 'v1', kind: 'Pod', metadata: { name: '', labels: { ...labels } } });
    } catch (err) {
      const status = err instanceof ApiError ? err : new ApiError('BadRequest', String(err));
      res.writeHead(status.code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(status.toStatus()));
      return true;
    }
    serveMetrics(source, meter, req, res, url, matches).catch((err: unknown) => {
      if (res.headersSent) res.end();
      else {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(new ApiError('InternalError', String(err)).toStatus()));
      }
    });
    return true;
  };
}
