/**
 * The pod runner ("kubelet") of an embedded cluster: every Pod in the store becomes processes on its own loopback
 * IP — one per container (`node <entry>` of the container's image) plus whatever the mesh adds (a sidecar) —
 * supervised with restart backoff, probed for readiness, and reflected back into the Pod's status. A Pod removed
 * from the store has its processes stopped (SIGTERM, then SIGKILL after its grace period).
 *
 * Pods outlive a crash of their cluster process. When a cluster process starts, the runner adopts the processes
 * of every pod still in the store whose containers all still run (adoption.ts verifies each process's identity):
 * it keeps their pids, their environment (so a later restart of one container gets the same proxy secret as its
 * sibling), their stored status (Running, Ready, restart counts), probes them and restarts them when they exit. It
 * never restarts a healthy pod. A pod of which only some containers survived is restarted whole; processes of pods
 * no longer in the store, and processes it cannot verify, are killed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterInfo } from '../config.js';
import { GATEWAY_IMAGE } from '../controllers/gateways.js';
import { NAMESPACES, PODS, rec, recs, same, type Rec } from '../controllers/refs.js';
import type { MeshIntegration, PodContext, ProcessSpec } from '../mesh-integration.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { ContainerProcess, type AdoptedProcess, type ContainerState } from './container-process.js';
import type { ImageResolver } from './images.js';
import { allocatePodIp } from './ip.js';
import { podStatus, type ContainerView } from './pod-status.js';
import { runProbe, type Probe, type ProbeSpec } from './probe.js';
import { containerEnv, portEnv, probeFor } from './pod-env.js';
import { CODES } from '../../api/index.js';
import { processEnvViolations } from '../pod-policy.js';
import { containerEvents, killingEvent, probeFailedEvent, type ContainerEvent } from './pod-events.js';
import type { EventSink } from '../events/recorder.js';
import type { PodProcesses } from '../server/metrics-api.js';
import {
  CONTAINER_ENV,
  findPodProcesses,
  POD_OWNER_ENV,
  POD_UID_ENV,
  type AdoptableProcess,
  type PodProcessRecord,
} from './adoption.js';
import { OWNER_HOME_ENV, signal, startTicks } from '../lifecycle/processes.js';
import { pendingVolumes, prepareMeshbridge, writeClusterDns, type MeshbridgeRuntime } from './meshbridge-container.js';
import type { MountTable } from './mounts.js';

/** Options of the pod runner; frozen at construction. */
/** How long a freed pod IP stays unused before it is handed out again. */
const IP_QUARANTINE_MS = 60_000;

export interface PodRunnerOptions {
  readonly store: ClusterStore;
  readonly info: ClusterInfo;
  /** Directory under which each pod gets `<namespace>_<name>/` (logs, certificates). */
  readonly podsDir: string;
  /** File recording each pod process (pid, start time, pod, container), read to adopt them after a crash. */
  readonly pidFile: string;
  /** `$MESHBRIDGE_HOME`, marked in every pod process's environment (`local down` finds them by it). */
  readonly home?: string;
  readonly resolveImage: ImageResolver;
  readonly mesh: MeshIntegration;
  /** Environment every pod process starts from (PATH, HOME, ...). */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly baseBackoffMs?: number;
  /** Milliseconds between readiness probes (default 1000). */
  readonly probeIntervalMs?: number;
  /** Where the runner records its Events (Started, BackOff, Unhealthy, Killing...; pod-events.ts). */
  readonly events?: EventSink;
  /** What pods of the built-in meshbridge image need (volumes, service accounts, the API); none: they cannot run. */
  readonly meshbridge?: MeshbridgeRuntime;
}

interface Container {
  readonly name: string;
  readonly image: string;
  readonly process?: ContainerProcess;
  readonly failure?: { reason: string; message: string };
  readonly probe?: ProbeSpec;
  readonly failureThreshold: number;
  readonly env: Record<string, string>;
  /** Where its volumes are mounted (meshbridge image only), for exec. */
  readonly mounts?: MountTable;
  ready: boolean;
  failures: number;
  /** The state whose Events were last recorded. */
  recorded?: ContainerState;
}

interface RunningPod {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly ip: string;
  readonly dir: string;
  readonly startTime: string;
  readonly containers: Container[];
  readonly graceMs: number;
  probeTimer?: NodeJS.Timeout;
  probing: boolean;
}

const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** The pod runner of one cluster. */
export class PodRunner {
  private readonly pods = new Map<string, RunningPod>();
  private readonly releasing = new Set<string>();
  /**
   * When each recently freed pod IP was released. A freed IP is not handed out again for a while: clients may still
   * hold endpoints or connections for it, and a lingering process of the old pod must not collide with the new one.
   */
  private readonly released = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Verified processes of an earlier cluster process, by pod uid, waiting for their pod's first sync. */
  private adoptable = new Map<string, Map<string, AdoptableProcess>>();

  constructor(private readonly options: PodRunnerOptions) {}

  /**
   * Finds the pod processes an earlier cluster process left running (kept for adoption when their pod is still in
   * the store with every container running; others killed), then starts following the store.
   */
  start(): void {
    this.prepareAdoption();
    const dns = this.options.meshbridge;
    if (dns) writeClusterDns(this.options.store, dns.dnsFile);
    // The resolver's table is rewritten at most every 100 ms: endpoints churn in bursts (a rollout, a scale).
    let dnsTimer: NodeJS.Timeout | undefined;
    this.unsubscribe = this.options.store.subscribe((c) => {
      if (c.resource.plural === 'pods' && c.resource.group === '') this.sync();
      const names = (c.resource.plural === 'services' || c.resource.plural === 'endpoints') && c.resource.group === '';
      if (dns && names && dnsTimer === undefined) {
        dnsTimer = setTimeout(() => {
          dnsTimer = undefined;
          if (!this.stopped) writeClusterDns(this.options.store, dns.dnsFile);
        }, 100);
      }
    });
    this.syncTimer = setInterval(() => this.sync(), 2000);
    this.sync();
  }

  /** Pods adopted from an earlier cluster process (uids), for tests and status. */
  adoptedPods(): string[] {
    return [...this.pods.values()].filter((p) => p.containers.some((c) => c.process?.isAdopted)).map((p) => p.uid);
  }

  private prepareAdoption(): void {
    const found = findPodProcesses({ podsDir: this.options.podsDir, recordFile: this.options.pidFile });
    const kill = [...found.strays];
    const stored = new Map(this.options.store.list(PODS).map((p) => [p.metadata.uid ?? '', p]));
    for (const [uid, containers] of found.byPod) {
      const pod = stored.get(uid);
      const expected = recs(rec(pod?.status).containerStatuses).map((c) => String(c.name));
      const complete =
        pod !== undefined &&
        typeof rec(pod.status).podIP === 'string' &&
        expected.length === containers.size &&
        expected.every((name) => containers.has(name));
      if (complete) this.adoptable.set(uid, containers);
      else kill.push(...[...containers.values()].map((c) => c.pid));
    }
    for (const pid of kill) signal(pid, 'SIGKILL');
    // Wait (briefly, synchronously: this runs once at startup) until they are gone, so their addresses are free.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 100 && kill.some((pid) => startTicks(pid) !== undefined); i++) Atomics.wait(pause, 0, 0, 20);
  }

  /**
   * The environment and working directory of a pod's container (its first app container when `container` is
   * undefined), as its process was started (for `exec`); `running` tells whether that process runs now.
   */
  execContext(
    namespace: string,
    name: string,
    container?: string,
  ): { env: Record<string, string>; cwd: string; running: boolean; mounts?: MountTable } | undefined {
    const pod = [...this.pods.values()].find((p) => p.namespace === namespace && p.name === name);
    const c = pod?.containers.find((x) => container === undefined || x.name === container);
    if (!pod || !c) return undefined;
    return {
      env: c.env,
      cwd: pod.dir,
      running: Boolean(c.process?.running),
      ...(c.mounts ? { mounts: c.mounts } : {}),
    };
  }

  /** Each running pod's container processes (app containers and sidecar), for the metrics API. */
  processes(): PodProcesses[] {
    return [...this.pods.values()].map((p) => ({
      namespace: p.namespace,
      name: p.name,
      labels: { ...(this.options.store.get(PODS, p.namespace, p.name)?.metadata.labels ?? {}) },
      containers: p.containers.flatMap((c) =>
        c.process?.running && c.process.pid !== undefined ? [{ name: c.name, pid: c.process.pid }] : [],
      ),
    }));
  }

  /** The log file of a pod's container (first container when unnamed). */
  logFile(namespace: string, name: string, container?: string): string | undefined {
    const pod = [...this.pods.values()].find((p) => p.namespace === namespace && p.name === name);
    const c = pod?.containers.find((x) => container === undefined || x.name === container);
    return pod && c ? join(pod.dir, `${c.name}.log`) : undefined;
  }

  /** Stops every pod process (grace capped at `graceMs`). */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.syncTimer) clearInterval(this.syncTimer);
    await Promise.all([...this.pods.values()].map((p) => this.terminate(p, Math.min(graceMs, p.graceMs))));
  }

  /** Starts pods new in the store and stops pods gone from it. */
  sync(): void {
    if (this.stopped) return;
    const pods = this.options.store.list(PODS);
    const uids = new Set(pods.map((p) => p.metadata.uid ?? ''));
    for (const running of [...this.pods.values()]) {
      if (!uids.has(running.uid)) void this.terminate(running, running.graceMs);
    }
    for (const pod of pods) {
      if (!this.pods.has(pod.metadata.uid ?? '')) this.launch(pod, pods);
    }
  }

  private launch(pod: StoredObject, all: readonly StoredObject[]): void {
    const { info, store } = this.options;
    const used = new Set<string>(this.releasing);
    for (const p of this.pods.values()) used.add(p.ip);
    const now = Date.now();
    for (const [freed, at] of this.released) {
      if (now - at < IP_QUARANTINE_MS) used.add(freed);
      else this.released.delete(freed);
    }
    let ip = typeof rec(pod.status).podIP === 'string' ? (rec(pod.status).podIP as string) : undefined;
    if (!ip || used.has(ip) || !ip.startsWith(`127.${info.block}.`)) {
      for (const p of all) {
        const other = rec(p.status).podIP;
        if (p.metadata.uid !== pod.metadata.uid && typeof other === 'string') used.add(other);
      }
      ip = allocatePodIp(info.block, used);
    }
    if (!ip) return;
    const namespace = pod.metadata.namespace ?? 'default';
    const dir = join(this.options.podsDir, `${namespace}_${pod.metadata.name}`);
    mkdirSync(dir, { recursive: true });
    const ns = store.get(NAMESPACES, undefined, namespace);
    const ctx: PodContext = { pod, podIP: ip, cluster: info, dir, namespaceLabels: ns?.metadata.labels ?? {} };
    const spec = rec(pod.spec);
    const grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
    const running: RunningPod = {
      uid: pod.metadata.uid ?? '',
      namespace,
      name: pod.metadata.name,
      ip,
      dir,
      startTime: stamp(),
      containers: [],
      graceMs: Math.min(grace, 30) * 1000,
      probing: false,
    };
    this.pods.set(running.uid, running);
    const adopt = this.adoptable.get(running.uid);
    this.adoptable.delete(running.uid);
    // Records the allocated IP before any process starts; an adopted pod keeps its stored status untouched.
    if (!adopt) this.writeStatus(running);
    // The mesh may need a moment before the pod's processes start (workload certificate, gateway addresses); for an
    // adopted pod this re-attaches what the mesh keeps per pod (certificate rotation).
    const { mesh } = this.options;
    const prepare = this.volumesReady(running, pod).then(() =>
      adopt && mesh.adopt ? mesh.adopt(ctx) : mesh.prepare ? mesh.prepare(ctx) : Promise.resolve(),
    );
    prepare.then(
      () => {
        if (this.pods.get(running.uid) === running && !this.stopped) this.startContainers(running, pod, ctx, adopt);
        else for (const c of adopt?.values() ?? []) signal(c.pid, 'SIGKILL');
      },
      (err: unknown) => {
        for (const c of adopt?.values() ?? []) signal(c.pid, 'SIGKILL');
        if (this.pods.get(running.uid) !== running || this.stopped) return;
        const message = `mesh setup failed: ${err instanceof Error ? err.message : String(err)}`;
        for (const c of recs(spec.containers)) {
          this.addContainer(running, {
            name: typeof c.name === 'string' ? c.name : 'main',
            image: typeof c.image === 'string' ? c.image : '',
            failure: { reason: 'MeshUnavailable', message },
            restarts: undefined,
            container: c,
          });
        }
        this.writeStatus(running);
      },
    );
  }

  /**
   * Builds and starts the pod's containers (app containers, then the mesh's sidecars). A pod whose spec sets an
   * environment variable the pod policy refuses (../pod-policy.ts; admission refuses it too, this is the second
   * line for objects that reach the store another way) starts no process at all: every container waits with
   * reason CreateContainerConfigError.
   */
  private startContainers(
    running: RunningPod,
    pod: StoredObject,
    ctx: PodContext,
    adopt?: ReadonlyMap<string, AdoptableProcess>,
  ): void {
    const ip = running.ip;
    const spec = rec(pod.spec);
    const statuses = recs(rec(pod.status).containerStatuses);
    const previous = new Map(statuses.map((c) => [c.name, c.restartCount]));
    /** The adopted process of a container, with the state and readiness its stored status holds. */
    const adopted = (
      name: string,
    ): { process: AdoptedProcess; env: Record<string, string>; ready: boolean } | undefined => {
      const found = adopt?.get(name);
      const status = statuses.find((c) => c.name === name);
      if (!found || !status) return undefined;
      return {
        process: {
          pid: found.pid,
          startTicks: found.startTicks,
          state: rec(status.state) as ContainerState,
          lastState: rec(status.lastState) as ContainerState,
        },
        env: found.env,
        ready: status.ready === true,
      };
    };
    const podEnv = this.podEnv(pod, ip);
    const containers = recs(spec.containers);
    const refusals = containers.map((c) => processEnvViolations(containerEnv(c, pod, ip), c.image));
    const refusedPod = refusals.some((r) => r.length > 0);
    for (const [i, c] of containers.entries()) {
      const name = typeof c.name === 'string' ? c.name : 'main';
      const image = typeof c.image === 'string' ? c.image : '';
      const env = { ...podEnv, ...containerEnv(c, pod, ip), ...portEnv(c), ...this.options.mesh.appEnv(ctx) };
      let spawnSpec: ProcessSpec | undefined;
      let failure: { reason: string; message: string } | undefined;
      let mounts: MountTable | undefined;
      if (refusedPod) {
        const own = refusals[i] ?? [];
        failure = {
          reason: 'CreateContainerConfigError',
          message: `[${CODES.PROCESS_STEERING_ENV.code}] ${
            own.length > 0 ? own.join('; ') : 'not started: another container of the pod is refused'
          }`,
        };
      } else if (image === GATEWAY_IMAGE) {
        const gw = this.options.mesh.gateway(ctx);
        if ('reason' in gw) failure = { reason: 'MeshUnavailable', message: gw.reason };
        else spawnSpec = { ...gw, env: { ...env, ...gw.env } };
      } else {
        const resolved = this.options.resolveImage(image);
        const runtime = this.options.meshbridge;
        if (!resolved.ok) {
          failure = { reason: 'ErrImagePull', message: `failed to pull image "${image}": ${resolved.reason}` };
        } else if (resolved.kind !== 'meshbridge') {
          spawnSpec = { name, entry: resolved.entry, env };
        } else if (!runtime) {
          failure = { reason: 'CreateContainerConfigError', message: 'this cluster cannot run the meshbridge image' };
        } else {
          // An adopted process keeps running on the volumes it has: remounting would pull them from under it.
          const start = prepareMeshbridge(pod, c, running.dir, ip, env, runtime, adopt?.has(name) !== true);
          if (start.ok) {
            spawnSpec = { name, entry: resolved.entry, env: start.env, args: start.args, preload: start.preload };
            mounts = start.mounts;
          } else failure = { reason: start.reason, message: start.message };
        }
      }
      const own = spawnSpec ? adopted(name) : undefined;
      this.addContainer(running, {
        name,
        image,
        spec: spawnSpec && own ? { ...spawnSpec, env: own.env } : spawnSpec,
        failure,
        ...(mounts ? { mounts } : {}),
        probe: probeFor(c),
        restarts: previous.get(name),
        container: c,
        adopted: own,
      });
    }
    for (const side of refusedPod ? [] : this.options.mesh.sidecars(ctx)) {
      const probe = side.readinessPort
        ? ({ type: 'tcp', port: side.readinessPort, timeoutMs: 1000 } as const)
        : undefined;
      const own = adopted(side.name);
      this.addContainer(running, {
        name: side.name,
        image: 'meshbridge/proxy:local',
        spec: { ...side, env: own ? own.env : { ...podEnv, ...side.env } },
        probe,
        restarts: previous.get(side.name),
        container: {},
        adopted: own,
      });
    }
    for (const c of running.containers) c.process?.start();
    this.writeStatus(running);
    running.probeTimer = setInterval(() => void this.probe(running), this.options.probeIntervalMs ?? 1000);
  }

  private addContainer(
    pod: RunningPod,
    c: {
      name: string;
      image: string;
      spec?: ProcessSpec;
      failure?: { reason: string; message: string };
      probe?: ProbeSpec;
      restarts: unknown;
      container: Rec;
      adopted?: { process: AdoptedProcess; ready: boolean };
      mounts?: MountTable;
    },
  ): void {
    const threshold = rec(c.container.readinessProbe).failureThreshold;
    const container: Container = {
      name: c.name,
      image: c.image,
      failure: c.failure,
      probe: c.probe,
      failureThreshold: typeof threshold === 'number' ? threshold : 3,
      env: c.spec ? { ...c.spec.env } : {},
      ...(c.mounts ? { mounts: c.mounts } : {}),
      // An adopted container keeps the readiness its stored status holds until its own probes say otherwise.
      ready: c.adopted?.ready ?? false,
      failures: 0,
      process: c.spec
        ? new ContainerProcess({
            name: c.name,
            entry: c.spec.entry,
            ...(c.spec.args ? { args: c.spec.args } : {}),
            ...(c.spec.preload ? { preload: c.spec.preload } : {}),
            env: {
              ...c.spec.env,
              [POD_OWNER_ENV]: this.options.podsDir,
              [POD_UID_ENV]: pod.uid,
              [CONTAINER_ENV]: c.name,
              ...(this.options.home ? { [OWNER_HOME_ENV]: this.options.home } : {}),
            },
            adopt: c.adopted?.process,
            cwd: pod.dir,
            logFile: join(pod.dir, `${c.name}.log`),
            baseBackoffMs: this.options.baseBackoffMs,
            initialRestartCount: typeof c.restarts === 'number' ? c.restarts : 0,
            onChange: () => {
              if (!container.process?.running) container.ready = false;
              this.writeStatus(pod);
              this.recordPids();
            },
          })
        : undefined,
    };
    pod.containers.push(container);
  }

  /**
   * Resolves once the volumes of the pod's meshbridge containers can be mounted (their Secrets and service account
   * exist), checking every second while the pod is still this one, as the kubelet retries a FailedMount.
   */
  private volumesReady(running: RunningPod, pod: StoredObject): Promise<void> {
    const runtime = this.options.meshbridge;
    if (!runtime) return Promise.resolve();
    const isMeshbridge = (c: Rec): boolean => {
      const resolved = typeof c.image === 'string' ? this.options.resolveImage(c.image) : undefined;
      return resolved?.ok === true && resolved.kind === 'meshbridge';
    };
    return new Promise((resolve) => {
      let reported = false;
      const check = (): void => {
        if (this.stopped || this.pods.get(running.uid) !== running) return resolve();
        const current = this.options.store.get(PODS, running.namespace, running.name) ?? pod;
        const pending = pendingVolumes(current, runtime, isMeshbridge);
        if (pending === undefined) return resolve();
        if (!reported) {
          reported = true;
          this.options.events?.record({
            regarding: {
              apiVersion: 'v1',
              kind: 'Pod',
              namespace: running.namespace,
              name: running.name,
              uid: running.uid,
            },
            reason: 'FailedMount',
            type: 'Warning',
            message: `MountVolume.SetUp failed: ${pending}`,
            component: 'kubelet',
          });
        }
        setTimeout(check, 1000);
      };
      check();
    });
  }

  private podEnv(pod: StoredObject, ip: string): Record<string, string> {
    const spec = rec(pod.spec);
    return {
      ...this.options.baseEnv,
      POD_IP: ip,
      POD_NAME: pod.metadata.name,
      // What a container runtime sets: the pod's name.
      HOSTNAME: pod.metadata.name,
      POD_NAMESPACE: pod.metadata.namespace ?? 'default',
      SERVICE_ACCOUNT: typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default',
      NODE_NAME: typeof spec.nodeName === 'string' ? spec.nodeName : '',
      MB_CLUSTER: this.options.info.name,
    };
  }

  private async probe(pod: RunningPod): Promise<void> {
    if (pod.probing) return;
    pod.probing = true;
    try {
      let changed = false;
      for (const c of pod.containers) {
        let ok = false;
        if (c.process?.running) ok = c.probe ? await runProbe({ ...c.probe, host: pod.ip } as Probe) : true;
        if (!ok && c.probe && c.process?.running) this.record(pod, c.name, probeFailedEvent(c.probe, pod.ip));
        c.failures = ok ? 0 : c.failures + 1;
        const ready = ok ? true : c.ready && c.failures < c.failureThreshold && Boolean(c.process?.running);
        if (ready !== c.ready) {
          c.ready = ready;
          changed = true;
        }
      }
      if (changed) this.writeStatus(pod);
    } finally {
      pod.probing = false;
    }
  }

  private writeStatus(pod: RunningPod): void {
    if (this.stopped || this.pods.get(pod.uid) !== pod) return;
    const { store, info } = this.options;
    const views: ContainerView[] = pod.containers.map((c) => ({
      name: c.name,
      image: c.image,
      state: c.failure
        ? ({ waiting: { ...c.failure } } as ContainerState)
        : (c.process?.state ?? { waiting: { reason: 'Unknown' } }),
      lastState: c.process?.lastState,
      restartCount: c.process?.restartCount ?? 0,
      ready: c.ready,
    }));
    for (const [i, c] of pod.containers.entries()) {
      const next = views[i]?.state;
      if (!next) continue;
      const changes = containerEvents({
        container: c.name,
        image: c.image,
        pod: `${pod.name}_${pod.namespace}(${pod.uid})`,
        previous: c.recorded,
        next,
      });
      c.recorded = next;
      for (const e of changes) this.record(pod, c.name, e);
    }
    store.transaction((w) => {
      const current = w.get(PODS, pod.namespace, pod.name);
      if (!current || current.metadata.uid !== pod.uid) return;
      const status = podStatus({
        podIP: pod.ip,
        hostIP: `127.${info.block}.0.1`,
        startTime:
          typeof rec(current.status).startTime === 'string' ? (rec(current.status).startTime as string) : pod.startTime,
        containers: views,
        previous: rec(current.status),
        now: stamp(),
      });
      if (!same(current.status, status)) w.update(PODS, { ...current, status });
    });
  }

  private async terminate(pod: RunningPod, graceMs: number): Promise<void> {
    if (this.pods.get(pod.uid) !== pod) return;
    this.pods.delete(pod.uid);
    if (pod.probeTimer) clearInterval(pod.probeTimer);
    for (const c of pod.containers) if (c.process?.running) this.record(pod, c.name, killingEvent(c.name));
    this.releasing.add(pod.ip);
    await Promise.all(pod.containers.map((c) => c.process?.stop(graceMs)));
    this.releasing.delete(pod.ip);
    this.released.set(pod.ip, Date.now());
    this.options.mesh.podStopped?.({ dir: pod.dir });
    this.recordPids();
  }

  /** Records an Event about one container of a pod (reported by `kubelet` on the cluster's node). */
  private record(pod: RunningPod, container: string, event: ContainerEvent): void {
    this.options.events?.record({
      regarding: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: pod.namespace,
        name: pod.name,
        uid: pod.uid,
        fieldPath: `spec.containers{${container}}`,
      },
      ...event,
      component: 'kubelet',
      host: `${this.options.info.name}-node`,
    });
  }

  private recordPids(): void {
    const records: PodProcessRecord[] = [];
    for (const p of this.pods.values()) {
      for (const c of p.containers) {
        const pid = c.process?.pid;
        const ticks = pid === undefined ? undefined : startTicks(pid);
        if (pid !== undefined && ticks !== undefined)
          records.push({ pid, startTicks: ticks, uid: p.uid, container: c.name });
      }
    }
    try {
      writeFileSync(this.options.pidFile, JSON.stringify(records));
    } catch {
      // Bookkeeping only: the process group still reaches the pods.
    }
  }
}
