/**
 * One container of a pod as a supervised child process (`node <entry>`): output appended to a log file, restarted
 * after it exits with exponential backoff (like the kubelet's CrashLoopBackOff, but faster: local pods are cheap),
 * stopped with SIGTERM and, after the grace period, SIGKILL. Children stay in the cluster process's process group,
 * so killing the cluster's group kills them too.
 *
 * A container can also **adopt** a process a previous cluster process started (it survived a crash of its cluster
 * process, see adoption.ts): the process is not our child, so its exit is noticed by polling its `/proc` start
 * time; it is then restarted as our own child like any crashed container.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signal, startTicks } from '../lifecycle/processes.js';

/**
 * Preloaded into every pod process (pod-watchdog.ts): it ends the process when its cluster process stays gone. The
 * compiled file is used from src and dist alike (pods never run a TypeScript loader).
 */
const WATCHDOG = fileURLToPath(new URL('../../../dist/local/runner/pod-watchdog.js', import.meta.url));
/** How often an adopted process (not our child, so no exit event) is checked. */
const ADOPTED_POLL_MS = 200;

/** The container state as Kubernetes reports it. */
export type ContainerState =
  | { running: { startedAt: string } }
  | { waiting: { reason: string; message?: string } }
  | { terminated: { exitCode: number; reason: string; signal?: number; startedAt?: string; finishedAt: string } };

/** Options of a supervised container; frozen at construction. */
export interface ContainerOptions {
  readonly name: string;
  readonly entry: string;
  /** Arguments after the entry. */
  readonly args?: readonly string[];
  /** Further modules to preload with `--import`. */
  readonly preload?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
  /** First restart delay (default 500 ms), doubled per consecutive crash up to `maxBackoffMs` (default 20 s). */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Restarts already counted before this process supervisor (kept across cluster restarts). */
  readonly initialRestartCount?: number;
  /** Called whenever state, restart count or pid changes. */
  readonly onChange: () => void;
  /** Called with the pid of every spawned process (for orphan cleanup bookkeeping). */
  readonly onSpawn?: (pid: number) => void;
  /** A running process to adopt instead of spawning one at the first `start()`. */
  readonly adopt?: AdoptedProcess;
}

/** A process of this container started by an earlier cluster process, verified by adoption.ts. */
export interface AdoptedProcess {
  readonly pid: number;
  /** `/proc/PID/stat` start time: the process is gone when the pid has another (or none). */
  readonly startTicks: number;
  /** The container state the pod's stored status holds for it (its `startedAt` is kept). */
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
}

const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
// A process that stayed up this long is considered healthy again: its next crash restarts without delay.
const STABLE_MS = 30_000;

/** A supervised container process. */
export class ContainerProcess {
  state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  lastState: ContainerState | undefined;
  restartCount: number;
  private child: ChildProcess | undefined;
  private stopping = false;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private startedAtMs = 0;
  private adopted: { pid: number; startTicks: number; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly options: ContainerOptions) {
    this.restartCount = options.initialRestartCount ?? 0;
    const adopt = options.adopt;
    if (adopt) {
      // Set before start(): a status written while sibling containers are being adopted must not read "creating".
      this.state = adopt.state && 'running' in adopt.state ? adopt.state : { running: { startedAt: stamp() } };
      this.lastState = adopt.lastState && 'terminated' in adopt.lastState ? adopt.lastState : undefined;
    }
  }

  get pid(): number | undefined {
    return this.adopted?.pid ?? this.child?.pid;
  }

  /** True while the container's process is one adopted from an earlier cluster process. */
  get isAdopted(): boolean {
    return this.adopted !== undefined;
  }

  get running(): boolean {
    return 'running' in this.state;
  }

  start(): void {
    if (this.stopping) return;
    const adopt = this.options.adopt;
    if (adopt && this.startedAtMs === 0) {
      this.startedAtMs = Date.now();
      this.adoptProcess(adopt);
      return;
    }
    const log = openSync(this.options.logFile, 'a');
    let child: ChildProcess;
    // The watchdog ends the pod if its cluster process never comes back; absent only before `npm run build`.
    const preload = existsSync(WATCHDOG) ? ['--import', WATCHDOG] : [];
    for (const extra of this.options.preload ?? []) preload.push('--import', extra);
    try {
      child = spawn(process.execPath, [...preload, this.options.entry, ...(this.options.args ?? [])], {
        cwd: this.options.cwd,
        env: { ...this.options.env },
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    this.child = child;
    this.startedAtMs = Date.now();
    child.once('spawn', () => {
      if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
      this.state = { running: { startedAt: stamp() } };
      this.options.onChange();
    });
    child.once('error', (err) => {
      this.state = { waiting: { reason: 'RunContainerError', message: err.message } };
      this.options.onChange();
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private adoptProcess(adopt: AdoptedProcess): void {
    const timer = setInterval(() => {
      if (startTicks(adopt.pid) === adopt.startTicks) return;
      clearInterval(timer);
      this.adopted = undefined;
      this.adoptedExited();
    }, ADOPTED_POLL_MS);
    timer.unref();
    this.adopted = { pid: adopt.pid, startTicks: adopt.startTicks, timer };
    this.options.onChange();
  }

  /**
   * An adopted process is gone. Its exit status is not ours to read (only its parent could), so the container
   * reports what the kubelet reports for a container it cannot find: ContainerStatusUnknown, exit code 137.
   */
  private adoptedExited(): void {
    const started = 'running' in this.state ? this.state.running.startedAt : undefined;
    const terminated: ContainerState = {
      terminated: {
        exitCode: 137,
        reason: 'ContainerStatusUnknown',
        ...(started ? { startedAt: started } : {}),
        finishedAt: stamp(),
      },
    };
    this.afterExit(terminated);
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    const started = 'running' in this.state ? this.state.running.startedAt : undefined;
    const terminated: ContainerState = {
      terminated: {
        exitCode: code ?? 137,
        reason: code === 0 ? 'Completed' : 'Error',
        ...(signal ? { signal: signalNumber(signal) } : {}),
        ...(started ? { startedAt: started } : {}),
        finishedAt: stamp(),
      },
    };
    this.afterExit(terminated);
  }

  private afterExit(terminated: ContainerState): void {
    if (this.stopping) {
      this.state = terminated;
      this.options.onChange();
      return;
    }
    this.lastState = terminated;
    this.restartCount++;
    this.crashes = Date.now() - this.startedAtMs > STABLE_MS ? 1 : this.crashes + 1;
    const base = this.options.baseBackoffMs ?? 500;
    const delay = Math.min(base * 2 ** (this.crashes - 1), this.options.maxBackoffMs ?? 20_000);
    this.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${Math.round(delay / 100) / 10}s restarting failed container=${this.options.name}`,
      },
    };
    this.options.onChange();
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const adopted = this.adopted;
    if (adopted) return this.stopAdopted(adopted, graceMs);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill(graceMs <= 0 ? 'SIGKILL' : 'SIGTERM');
    });
  }

  /** The adopted process is not our child: signal it by pid and poll until its start time is gone. */
  private stopAdopted(adopted: { pid: number; startTicks: number; timer: NodeJS.Timeout }, graceMs: number) {
    clearInterval(adopted.timer);
    const gone = (): boolean => startTicks(adopted.pid) !== adopted.startTicks;
    if (gone()) return Promise.resolve();
    signal(adopted.pid, graceMs <= 0 ? 'SIGKILL' : 'SIGTERM');
    const killAt = Date.now() + graceMs;
    return new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (gone()) {
          clearInterval(poll);
          this.adopted = undefined;
          resolve();
        } else if (Date.now() >= killAt) signal(adopted.pid, 'SIGKILL');
      }, 50);
    });
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = {
    SIGKILL: 9,
    SIGTERM: 15,
    SIGINT: 2,
    SIGSEGV: 11,
    SIGABRT: 6,
  };
  return table[signal] ?? 0;
}
