/**
 * Runs scheduled failover drills (`FailoverDrill` objects): for each run due (src/api/failover-drill.ts) it holds
 * the drill's lease on the Service in the drill's cluster, exactly as `meshbridge drill start` does (annotations
 * `drill.meshbridge.io/id` and `until`, renewed every few seconds and never set past the run's end), and reports the
 * run to the management plane at its start and its end, where it is kept with its report. Because the lease is
 * short, a controller that dies (or loses its leadership) leaves nothing drained for long: the cluster's drill
 * controller ends an expired drill. A drill whose run is due while another drill of the same Service runs waits,
 * and its status says why.
 */
import {
  DRILL_ANNOTATIONS,
  DRILL_LEASE_MS,
  DRILL_RENEW_MS,
  drillActive,
  drillAnnotations,
  drillOf,
  dueRun,
  nextRunStart,
  type DrillRunWindow,
  type FailoverDrill,
} from '../api/index.js';
import type { ClusterClient, KObject } from '../kube/client.js';
import { fqnOf } from './selection.js';
import type { StatusReport, StatusSink } from './status.js';
import type { FederationConfig } from './types.js';

/** A run as the management plane records it (`PUT /v2/failover/drills/{id}`). */
export interface DrillRunRecord {
  readonly id: string;
  /** `name.namespace`. */
  readonly service: string;
  readonly cluster: string;
  readonly drill: string;
  readonly startedAtMs: number;
  readonly endsAtMs: number;
  readonly endedAtMs?: number;
  readonly endReason?: string;
}

/** Where runs are reported; must not throw (a failed report is retried at the next pass). */
export interface DrillRunSink {
  record(run: DrillRunRecord): Promise<boolean>;
}

/** Options of {@link DrillRunner}. */
export interface DrillRunnerOptions {
  readonly config: () => FederationConfig | undefined;
  /** The client of a registered, watched cluster; undefined otherwise. */
  readonly client: (cluster: string) => ClusterClient | undefined;
  readonly runs: DrillRunSink;
  readonly status?: StatusSink;
  readonly log?: (line: string) => void;
  /** Pass interval, ms (default 1000). */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** A run this runner holds the lease of. */
interface Held {
  readonly record: DrillRunRecord;
  readonly namespace: string;
  readonly name: string;
  /** The start was reported. */
  reported: boolean;
  /** When the lease was last written. */
  renewedAt: number;
}

const SERVICE_REF = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Service', namespace, name });

/** Runs the drills of the configuration; `tick()` is one pass, `start()` repeats it. */
export class DrillRunner {
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: DrillRunnerOptions) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err: unknown) => this.o.log?.(`drills: ${(err as Error).message}`))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs ?? 1000);
        });
    };
    loop();
  }

  /** Stops the passes and ends every run this runner holds (its lease removed, its end reported). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    const now = this.now();
    for (const held of [...this.held.values()]) await this.end(held, now, 'the controller stopped');
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** One pass: start, renew and end runs; report each drill's status. */
  async tick(): Promise<void> {
    const now = this.now();
    const drills = this.o.config()?.failoverDrills ?? [];
    const due = new Map<string, { drill: FailoverDrill; fqn: string; run: DrillRunWindow | undefined }>();
    for (const drill of drills) {
      const fqn = fqnOf('FailoverDrill', drill.metadata);
      let run: DrillRunWindow | undefined;
      try {
        run = dueRun(drill.metadata.name, drill.spec, now);
      } catch {
        run = undefined; // stored objects were validated; a spec that no longer parses runs nothing
      }
      due.set(fqn, { drill, fqn, run });
    }
    // Runs no longer due (ended, suspended, their drill deleted) end first, so a Service is free for the next.
    for (const held of [...this.held.values()]) {
      const now_ = due.get(held.record.drill);
      if (now_?.run?.id === held.record.id) continue;
      const reason =
        now_ === undefined
          ? 'its FailoverDrill was deleted'
          : now_.drill.spec.suspend
            ? 'its FailoverDrill was suspended'
            : now >= held.record.endsAtMs
              ? 'its duration passed'
              : 'its FailoverDrill changed';
      await this.end(held, now, reason);
    }
    for (const { drill, fqn, run } of due.values()) {
      const message = run ? await this.hold(drill, fqn, run, now) : this.idleMessage(drill, now);
      await this.o.status?.report(statusOf(fqn, drill.spec.cluster, message));
    }
  }

  private idleMessage(drill: FailoverDrill, now: number): { state: 'READY'; message: string } {
    const next = nextRunStart(drill.spec, now);
    if (drill.spec.suspend) return { state: 'READY', message: 'suspended: no run starts' };
    return {
      state: 'READY',
      message: next === undefined ? 'no run to come' : `next run at ${new Date(next).toISOString()}`,
    };
  }

  /** Starts or renews the lease of a due run; the status message. */
  private async hold(
    drill: FailoverDrill,
    fqn: string,
    run: DrillRunWindow,
    now: number,
  ): Promise<{ state: 'READY' | 'FAILED'; message: string }> {
    const cluster = drill.spec.cluster;
    const [namespace = '', name = ''] = drill.spec.service.split('/');
    const client = this.o.client(cluster);
    if (!client) return { state: 'FAILED', message: `cluster ${cluster} is not registered or not reachable` };
    let held = this.held.get(run.id);
    const fresh = held === undefined;
    if (!held) {
      held = {
        record: {
          id: run.id,
          service: `${name}.${namespace}`,
          cluster,
          drill: fqn,
          startedAtMs: run.startMs,
          endsAtMs: run.endMs,
        },
        namespace,
        name,
        reported: false,
        renewedAt: -Infinity,
      };
    }
    const label = `${held.record.service} in ${cluster}`;
    if (fresh || now - held.renewedAt >= DRILL_RENEW_MS) {
      let svc: KObject | undefined;
      try {
        svc = await client.get(SERVICE_REF(namespace, name));
      } catch (err) {
        return { state: 'FAILED', message: `cannot read service ${namespace}/${name}: ${(err as Error).message}` };
      }
      if (!svc) return { state: 'FAILED', message: `service ${namespace}/${name} does not exist in ${cluster}` };
      const current = drillOf(svc.metadata?.annotations);
      if (drillActive(current, now) && current?.id !== run.id) {
        return {
          state: 'FAILED',
          message: `run ${run.id} waits: another drill (${current?.id || 'unnamed'}) of ${label} runs until ${current?.until.toISOString()}`,
        };
      }
      const until = new Date(Math.min(run.endMs, now + DRILL_LEASE_MS));
      try {
        await client.replace({
          ...svc,
          metadata: {
            ...svc.metadata,
            annotations: { ...(svc.metadata?.annotations ?? {}), ...drillAnnotations(run.id, until) },
          },
        });
      } catch (err) {
        // A conflict (someone else wrote the Service) or a restarting API: the next pass tries again.
        return { state: 'FAILED', message: `cannot drain ${label}: ${(err as Error).message}` };
      }
      held.renewedAt = now;
      if (fresh) {
        this.held.set(run.id, held);
        this.o.log?.(`drill ${run.id}: ${label} drained until ${new Date(run.endMs).toISOString()}`);
      }
    }
    if (!held.reported) held.reported = await this.o.runs.record(held.record);
    return { state: 'READY', message: `running ${run.id} until ${new Date(run.endMs).toISOString()}` };
  }

  /** Ends a held run: removes its lease if it is still the Service's, reports its end. */
  private async end(held: Held, now: number, reason: string): Promise<void> {
    const client = this.o.client(held.record.cluster);
    try {
      const svc = await client?.get(SERVICE_REF(held.namespace, held.name));
      if (svc && drillOf(svc.metadata?.annotations)?.id === held.record.id) {
        const annotations = { ...(svc.metadata?.annotations ?? {}) };
        delete annotations[DRILL_ANNOTATIONS.id];
        delete annotations[DRILL_ANNOTATIONS.until];
        await client?.replace({ ...svc, metadata: { ...svc.metadata, annotations } });
      }
    } catch (err) {
      // The lease runs out by itself within DRILL_LEASE_MS; the cluster's drill controller then removes it.
      this.o.log?.(`drill ${held.record.id}: could not end it now (${(err as Error).message}); its lease runs out`);
    }
    const endedAtMs = Math.min(now, held.record.endsAtMs);
    if (await this.o.runs.record({ ...held.record, endedAtMs, endReason: reason })) {
      this.held.delete(held.record.id);
      this.o.log?.(`drill ${held.record.id} ended (${reason})`);
    } else if (this.stopped) {
      this.held.delete(held.record.id);
    }
  }
}

function statusOf(fqn: string, cluster: string, s: { state: 'READY' | 'FAILED'; message: string }): StatusReport {
  return { kind: 'FailoverDrill', fqn, clusters: { [cluster]: s } };
}

/** Reports runs to the management plane (`PUT /v2/failover/drills/{id}`). */
export class HttpDrillRunSink implements DrillRunSink {
  constructor(
    private readonly o: {
      url: string;
      token: string;
      onError?: (err: Error) => void;
      fetch?: typeof fetch;
    },
  ) {}
  async record(run: DrillRunRecord): Promise<boolean> {
    const { id, ...body } = run;
    try {
      const res = await (this.o.fetch ?? fetch)(new URL(`/v2/failover/drills/${encodeURIComponent(id)}`, this.o.url), {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok)
        throw new Error(`PUT /v2/failover/drills/${id}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
      return true;
    } catch (err) {
      this.o.onError?.(err as Error);
      return false;
    }
  }
}
