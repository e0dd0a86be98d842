/**
 * One container of a pod as a supervised child process (`node <entry>`): output appended to a log file, restarted
 * after it exits with exponential backoff (like the kubelet's CrashLoopBackOff, but faster: local pods are cheap),
 * stopped with SIGTERM and, after the grace period, SIGKILL. Children stay in the cluster process's process group,
 * so killing the cluster's group kills them too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** The container state as Kubernetes reports it. */
export type ContainerState =
  | { running: { startedAt: string } }
  | { waiting: { reason: string; message?: string } }
  | { terminated: { exitCode: number; reason: string; signal?: number; startedAt?: string; finishedAt: string } };

/** Options of a supervised container; frozen at construction. */
export interface ContainerOptions {
  readonly name: string;
  readonly entry: string;
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

  constructor(private readonly options: ContainerOptions) {
    this.restartCount = options.initialRestartCount ?? 0;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return 'running' in this.state;
  }

  start(): void {
    if (this.stopping) return;
    const log = openSync(this.options.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [this.options.entry], {
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
