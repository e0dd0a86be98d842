/**
 * The supervisor's loop (supervisor.ts says what it is for): each tick reads the target list, checks every target
 * through its driver, and restarts a dead one at once or after its crash-loop back-off. One log line per restart.
 */
import { writeFileSync } from 'node:fs';
import { homePaths } from '../config.js';
import { controlPid, spawnControl } from './control.js';
import {
  DEFAULT_POLICY,
  POLL_MS,
  readSupervisorState,
  readTargets,
  restartDelayMs,
  supervisorPaths,
  type RestartPolicy,
  type TargetDriver,
  type TargetRecord,
} from './supervisor.js';
import { runningPid, spawnCluster } from './up.js';
import { lbPid, spawnLb } from './lb-process.js';

interface Tracked {
  /** Crashes in a row, each within the policy's stable time of its start. */
  consecutive: number;
  startedAt: number;
  /** When a restart is due (set when the target was found dead). */
  dueAt?: number;
  lastPid?: number;
}

/** Options of the loop; frozen at construction. */
export interface SupervisorLoopOptions {
  readonly home: string;
  /** Environment of restarted processes. */
  readonly env: NodeJS.ProcessEnv;
  readonly policy?: RestartPolicy;
  readonly log: (line: string) => void;
}

/** The supervisor's loop over the home's targets. */
export class SupervisorLoop {
  private readonly tracked = new Map<string, Tracked>();
  private readonly records: Record<string, TargetRecord>;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SupervisorLoopOptions) {
    this.records = readSupervisorState(options.home);
  }

  /** Starts ticking every {@link POLL_MS}. */
  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), POLL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private drivers(): Map<string, TargetDriver> {
    const { home, env } = this.options;
    const targets = readTargets(home);
    const out = new Map<string, TargetDriver>();
    for (const name of targets.clusters) {
      const dir = homePaths(home).cluster(name).dir;
      out.set(`cluster/${name}`, {
        running: () => runningPid(dir),
        start: () => spawnCluster({ home, dir, env, name }),
      });
      out.set(`lb/${name}`, {
        running: () => lbPid(dir),
        start: () => spawnLb({ home, dir, env, name }),
      });
    }
    const control = targets.control;
    if (control) {
      out.set('control', {
        running: () => controlPid(home),
        start: () => spawnControl({ home, organization: control.organization, env }),
      });
    }
    return out;
  }

  /** One pass over the targets (exposed for tests that drive the loop by hand). */
  tick(): void {
    const now = Date.now();
    const policy = this.options.policy ?? DEFAULT_POLICY;
    for (const [key, driver] of this.drivers()) {
      const t = this.tracked.get(key) ?? { consecutive: 0, startedAt: now };
      this.tracked.set(key, t);
      const pid = driver.running();
      if (pid !== undefined) {
        t.lastPid = pid;
        if (now - t.startedAt >= policy.stableMs) t.consecutive = 0;
        continue;
      }
      if (t.dueAt === undefined) {
        // Crashed within the stable time of its last start: part of a crash loop.
        t.consecutive = now - t.startedAt < policy.stableMs ? t.consecutive + 1 : 1;
        const delay = restartDelayMs(t.consecutive, policy);
        t.dueAt = now + delay;
        if (delay > 0) this.options.log(`${key} (pid ${t.lastPid ?? '?'}) is down; crash loop, back-off ${delay} ms`);
      }
      if (now < t.dueAt) continue;
      let started: number;
      try {
        started = driver.start();
      } catch (err) {
        this.options.log(`${key}: restart failed: ${err instanceof Error ? err.message : String(err)}`);
        t.dueAt = now + restartDelayMs(t.consecutive + 1, policy);
        continue;
      }
      const previous = this.records[key]?.restarts ?? 0;
      this.records[key] = { restarts: previous + 1, lastRestartAt: new Date(now).toISOString() };
      this.options.log(
        `restarted ${key}: pid ${t.lastPid ?? '?'} -> ${started} (restart ${previous + 1}, ` +
          `${t.consecutive} in a row, back-off ${restartDelayMs(t.consecutive, policy)} ms)`,
      );
      t.startedAt = now;
      t.dueAt = undefined;
      t.lastPid = started;
      this.saveRecords();
    }
  }

  private saveRecords(): void {
    try {
      writeFileSync(supervisorPaths(this.options.home).state, `${JSON.stringify(this.records)}\n`, { mode: 0o600 });
    } catch {
      // The home is being removed: `local down` stops this process next.
    }
  }
}
