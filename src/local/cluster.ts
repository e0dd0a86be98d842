/**
 * One embedded cluster, assembled: its store, Kubernetes-compatible API server, controllers, L4 load balancer, pod
 * runner and mesh seam. `startCluster` is what `cluster-main.ts` (the detached cluster process) runs; tests may run it in-process.
 */
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { clusterPaths, type ClusterInfo } from './config.js';
import { startControllers } from './controllers/manager.js';
import { eventRecorder } from './events/recorder.js';
import { convergenceExtension } from './server/convergence-api.js';
import { METRICS_GROUP, metricsExtension } from './server/metrics-api.js';
import { NAMESPACES } from './controllers/refs.js';
import { noMesh, type MeshIntegration } from './mesh-integration.js';
import { startLoadBalancer, type RunningLoadBalancer } from './network/load-balancer.js';
import { storeSource } from './network/lb-sources.js';
import type { ImageResolver } from './runner/images.js';
import { PodRunner } from './runner/pod-runner.js';
import { execArgv } from './runner/meshbridge-container.js';
import { startApiServer } from './server/api-server.js';
import {
  createServiceAccountTokens,
  loadOrCreateSigningKey,
  type ServiceAccountTokens,
} from './server/service-account-tokens.js';
import { ApiError } from './server/status.js';
import type { StreamBackend } from './server/upgrade.js';
import { PODS, rec, recs } from './controllers/refs.js';
import { ClusterStore } from './store/cluster-store.js';

/** Options of a cluster; frozen at construction. */
/** This build's command line entry, what `meshbridge` in an exec into a meshbridge pod runs. */
const MESHBRIDGE_CLI = fileURLToPath(new URL('../../bin/meshbridge.js', import.meta.url));

export interface ClusterOptions {
  readonly info: ClusterInfo;
  /** The cluster's state directory (`$MESHBRIDGE_HOME/clusters/<name>`). */
  readonly dir: string;
  readonly home: string;
  /** The bearer token the API requires (the cluster's `api-token`, also in the kubeconfig). */
  readonly token: string;
  /** The API's serving certificate (server/tls.ts); without it the API speaks plain HTTP (in-process tests). */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /**
   * The CA certificate (PEM) that issued `tls`, written as `ca.crt` into ServiceAccount token Secrets so clients
   * that read one can verify the API.
   */
  readonly apiCaPem?: string;
  /** API port to try first (the previous run's, so kubeconfigs stay valid); 0 or busy means any free port. */
  readonly port?: number;
  readonly mesh?: MeshIntegration;
  readonly resolveImage: ImageResolver;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly changeLogSize?: number;
  readonly baseBackoffMs?: number;
  /**
   * Where the L4 load balancer runs: `in-process` (default: in-process tests) or `external`, its own process
   * (`lb-main.ts`, started by `local up`), so a crash of this process leaves the LoadBalancer addresses served.
   */
  readonly loadBalancer?: 'in-process' | 'external';
}

/** A running cluster. */
export interface RunningCluster {
  readonly info: ClusterInfo;
  readonly store: ClusterStore;
  readonly runner: PodRunner;
  /**
   * The cluster's L4 load balancer (network/) when it runs in this process: owns every LoadBalancer Service's
   * ingress addresses. Undefined when it runs as its own process.
   */
  readonly loadBalancer: RunningLoadBalancer | undefined;
  /**
   * Mints and checks the cluster's ServiceAccount tokens (`issue(namespace, name)`); signed with the key in the
   * cluster's state directory (`service-account-key`).
   */
  readonly serviceAccountTokens: ServiceAccountTokens;
  /** Stops pods (grace capped at `graceMs`), controllers, API server, mesh; closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/** `istio-system` too: every local cluster runs a mesh, and Istio's root namespace holds mesh-wide policies. */
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'istio-system'];

/** Starts a cluster and resolves once its API answers. */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const paths = clusterPaths(options.dir);
  mkdirSync(paths.pods, { recursive: true });
  const store = new ClusterStore({ file: paths.store, changeLogSize: options.changeLogSize });
  for (const name of BUILTIN_NAMESPACES) {
    if (!store.get(NAMESPACES, undefined, name)) {
      store.create(NAMESPACES, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
        status: { phase: 'Active' },
      });
    }
  }
  // The runner starts after the API (it needs the mesh's address); requests before then find no pods.
  const late: { runner?: PodRunner } = {};
  const metrics = metricsExtension({
    nodeName: `${options.info.name}-node`,
    pods: () => late.runner?.processes() ?? [],
    hostPids: [process.pid],
  });
  const convergence = convergenceExtension(() => options.mesh?.convergence?.());
  const extension = (req: IncomingMessage, res: ServerResponse, url: URL): boolean =>
    convergence(req, res, url) ||
    (late.runner !== undefined && (podExtension(late.runner, req, res, url) || metrics(req, res, url)));
  const streams = podStreams(store, () => late.runner);
  const serviceAccountTokens = createServiceAccountTokens({
    key: loadOrCreateSigningKey(paths.serviceAccountKey),
    serviceAccounts: store,
  });
  const listen = (port: number) =>
    startApiServer({
      store,
      port,
      extension,
      streams,
      extraApiGroups: [METRICS_GROUP],
      token: options.token,
      serviceAccountTokens,
      tls: options.tls,
    });
  const api = await listen(options.port ?? 0).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE' && options.port) return listen(0);
    throw err;
  });
  const mesh = options.mesh ?? noMesh;
  const { xdsAddress } = await mesh.start({ cluster: options.info, store, dir: options.dir, home: options.home });
  const info: ClusterInfo = { ...options.info, apiUrl: api.url, ...(xdsAddress ? { xdsAddress } : {}) };
  const events = eventRecorder({ store });
  const controllers = startControllers({
    store,
    info,
    events,
    tokenSecrets: { tokens: serviceAccountTokens, caPem: options.apiCaPem },
  });
  // The LoadBalancer Services' addresses belong to the cluster, not to a pod, so gateways can scale and roll out.
  const loadBalancer =
    options.loadBalancer === 'external'
      ? undefined
      : await startLoadBalancer({
          source: storeSource(store),
          log: (msg, fields) =>
            process.stderr.write(`${JSON.stringify({ component: 'load-balancer', msg, ...fields })}
`),
        });
  const runner = new PodRunner({
    store,
    info,
    podsDir: paths.pods,
    pidFile: paths.podPids,
    home: options.home,
    resolveImage: options.resolveImage,
    mesh,
    baseEnv: options.baseEnv,
    baseBackoffMs: options.baseBackoffMs,
    events,
    // Pods of the meshbridge image reach this API as a pod would: its address, its CA, their account's token.
    ...(options.apiCaPem !== undefined
      ? {
          meshbridge: {
            store,
            api: {
              host: new URL(api.url).hostname,
              port: Number(new URL(api.url).port),
              caPem: options.apiCaPem,
              token: (namespace: string, account: string) => serviceAccountTokens.issue(namespace, account),
            },
            claimsDir: paths.claims,
            dnsFile: paths.clusterDns,
          },
        }
      : {}),
  });
  late.runner = runner;
  runner.start();
  return {
    info,
    store,
    runner,
    loadBalancer,
    serviceAccountTokens,
    stop: async (graceMs = 2000) => {
      controllers.stop();
      await runner.stop(graceMs);
      await loadBalancer?.stop();
      await mesh.stop();
      await api.close();
      store.close();
    },
  };
}

/**
 * What `kubectl exec` needs from the cluster: the pod and container must exist in the store (else the apiserver's
 * NotFound / "not valid" errors), and the container's process must run (a command runs with the environment the
 * pod runner gave that process, in the pod's directory).
 */
function podStreams(store: ClusterStore, runner: () => PodRunner | undefined): StreamBackend {
  return {
    execTarget(namespace, name, container) {
      const pod = store.get(PODS, namespace, name);
      if (!pod) throw new ApiError('NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
      const names = recs(rec(pod.spec).containers).map((c) => c.name);
      const wanted = container ?? (names[0] as string | undefined);
      if (wanted === undefined || !names.includes(wanted)) {
        throw new ApiError('BadRequest', `container ${container ?? '(none)'} is not valid for pod ${name}`);
      }
      const ctx = runner()?.execContext(namespace, name, wanted);
      if (!ctx?.running) {
        throw new ApiError('BadRequest', `container ${wanted} is not running in pod ${namespace}/${name}`);
      }
      const mounts = ctx.mounts;
      return {
        env: ctx.env,
        cwd: ctx.cwd,
        ...(mounts ? { command: (argv: readonly string[]) => execArgv(argv, mounts, MESHBRIDGE_CLI) } : {}),
      };
    },
    portForwardTarget(namespace, name) {
      const pod = store.get(PODS, namespace, name);
      if (!pod) throw new ApiError('NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
      const status = rec(pod.status);
      const ip = status.podIP;
      // Pod IPs are loopback addresses of this cluster's block; anything else is not a pod of this host.
      if (status.phase !== 'Running' || typeof ip !== 'string' || !ip.startsWith('127.')) {
        throw new ApiError('BadRequest', `pod ${namespace}/${name} is not running`);
      }
      return ip;
    },
  };
}

/**
 * Endpoints beside the Kubernetes API: `GET /api/v1/namespaces/N/pods/P/log[?container=C]` (the container's log,
 * as `kubectl logs` reads it) and `GET /meshbridge/v1/namespaces/N/pods/P/exec-context` (the environment and
 * directory `meshbridge exec` runs a command with).
 */
function podExtension(runner: PodRunner, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (req.method !== 'GET') return false;
  const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname);
  if (log) {
    const file = runner.logFile(
      decodeURIComponent(log[1] ?? ''),
      decodeURIComponent(log[2] ?? ''),
      url.searchParams.get('container') ?? undefined,
    );
    if (!file || !existsSync(file)) return false;
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    createReadStream(file).pipe(res);
    return true;
  }
  const exec = /^\/meshbridge\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec-context$/.exec(url.pathname);
  if (exec) {
    const ctx = runner.execContext(decodeURIComponent(exec[1] ?? ''), decodeURIComponent(exec[2] ?? ''));
    const body = JSON.stringify(
      ctx ?? {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: 'pod is not running',
      },
    );
    res.writeHead(ctx ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(body);
    return true;
  }
  return false;
}
