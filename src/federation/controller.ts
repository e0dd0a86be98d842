/**
 * The federation controller: ingest (config snapshots + cluster informers) -> pure plan -> apply the difference ->
 * report status. One code path for real and embedded clusters: both are reached through `ClusterClient`.
 * Reconciles never overlap; changes arriving during one are coalesced into the next (debounced).
 */
import { EventEmitter } from 'node:events';
import type { ClusterClient } from '../kube/client.js';
import {
  applyChanges,
  diff,
  indexDesired,
  keyOfChange,
  settles,
  type ApplyResult,
  type DesiredIndex,
} from './apply.js';
import { ClusterWatch } from './cluster-watch.js';
import { describeRefusal } from './istio-schema.js';
import { DrillRunner, type DrillRunSink } from './drill-runner.js';
import { ConvergenceForwarder, type ConvergenceSink } from './convergence-forwarder.js';
import type { ConfigSource } from './config-source.js';
import { buildInventory } from './inventory.js';
import { planSteps, type ClusterPlan, type PlanOutput, type ServicePlan } from './plan.js';
import { PlanMemo } from './plan-memo.js';
import { resolveGatewayNames, systemResolver, type Resolver } from './resolve.js';
import type { StatusSink } from './status.js';
import { statusReports } from './status-report.js';
import type { ReconcileResult } from './reconcile-result.js';
import type { Cluster, GeneratedObject } from './types.js';

export type { ReconcileResult };

/** Options of `FederationController`. */
export interface FederationControllerOptions {
  config: ConfigSource;
  /** Opens a client for a registered cluster (e.g. from its `spec.kubeconfig`). */
  connect: (cluster: Cluster) => ClusterClient;
  status?: StatusSink;
  /** Where scheduled drills' runs are reported; without it no FailoverDrill runs. */
  drillRuns?: DrillRunSink;
  /** Where the clusters' xDS convergence is forwarded; without it nothing is. */
  convergence?: ConvergenceSink;
  resolver?: Resolver;
  /** Quiet time before a reconcile after a change, ms (default 100). */
  debounceMs?: number;
  /** How long a reconcile waits for newly watched clusters' first lists, ms (default 5000). */
  syncTimeoutMs?: number;
  /**
   * Delay before a pass retries failed writes, ms (default 1000); it doubles while the failures go on, up to
   * MAX_RETRY_MS, and starts again after a pass without any.
   */
  retryMs?: number;
  log?: (line: string) => void;
}

/** The longest wait before failed writes are retried (an object of someone else's with our name fails until moved). */
export const MAX_RETRY_MS = 60_000;

/** A watched cluster. */
interface Watched {
  readonly watch: ClusterWatch;
  /** The kubeconfig it was opened with (a changed one reopens it). */
  readonly spec: string;
  /** What the last pass wanted in the cluster: events that leave an object so need no pass. */
  desired: DesiredIndex;
  /** Whether a pass has set `desired`. */
  planned: boolean;
}

/**
 * Keeps every registered cluster's generated objects equal to the plan. Events: `reconciled` (result, seconds) after
 * each pass, `reconcile-error` (error, seconds) when one failed as a whole.
 */
export class FederationController extends EventEmitter {
  private readonly options: Readonly<FederationControllerOptions>;
  private readonly watches = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private drills: DrillRunner | undefined;
  private convergence: ConvergenceForwarder | undefined;
  /** The last pass's failed and refused writes (by cluster and object) and their log lines: each is logged once. */
  private problems = new Map<string, string>();
  private retry: { timer: NodeJS.Timeout; delayMs: number } | undefined;
  /** What earlier passes planned: a pass re-plans only the services whose inputs changed. */
  private readonly planMemo = new PlanMemo<ServicePlan>();
  /** The last reconcile's result. */
  last: ReconcileResult | undefined;

  constructor(options: FederationControllerOptions) {
    super();
    this.options = Object.freeze({ ...options });
  }

  async start(): Promise<void> {
    this.unsubscribe = this.options.config.subscribe(() => this.schedule());
    await this.options.config.start();
    this.schedule();
    if (this.options.drillRuns) {
      this.drills = new DrillRunner({
        config: () => this.options.config.current()?.config,
        client: (name) => {
          const w = this.watches.get(name)?.watch;
          return w?.synced() ? w.client : undefined;
        },
        runs: this.options.drillRuns,
        ...(this.options.status ? { status: this.options.status } : {}),
        ...(this.options.log ? { log: this.options.log } : {}),
      });
      this.drills.start();
    }
    if (this.options.convergence) {
      this.convergence = new ConvergenceForwarder({
        config: () => this.options.config.current()?.config,
        client: (name) => {
          const w = this.watches.get(name)?.watch;
          return w?.synced() ? w.client : undefined;
        },
        sink: this.options.convergence,
        ...(this.options.log ? { log: this.options.log } : {}),
      });
      this.convergence.start();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.retry?.timer);
    await this.running;
    // Before the watches go: ending a held drill writes through their clients.
    await this.drills?.stop();
    await this.convergence?.stop();
    await this.options.config.stop();
    await Promise.all([...this.watches.values()].map((w) => w.watch.stop()));
    this.watches.clear();
  }

  /** Asks for a reconcile after the debounce delay (coalescing bursts of changes). */
  schedule(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Marked running before the loop starts: its synchronous part starts informers, whose `connect` event fires
      // within `start()` and calls schedule(), which must see a loop running. Otherwise a second loop started
      // beside it, and a pass holding an older snapshot could finish last (seen: entries planned, then never
      // written, once the echoes of its writes were no longer reconciled).
      this.running = Promise.resolve()
        .then(() => this.loop())
        .finally(() => {
          this.running = undefined;
          if (this.dirty) this.schedule();
        });
    }, this.options.debounceMs ?? 100);
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const started = performance.now();
      try {
        this.last = await this.reconcileOnce();
        this.emit('reconciled', this.last, (performance.now() - started) / 1000);
      } catch (err) {
        this.options.log?.(`reconcile failed: ${(err as Error).message}`);
        this.emit('reconcile-error', err, (performance.now() - started) / 1000);
      }
    }
  }

  /** Starts/stops cluster watches so they match the registered clusters. */
  private async syncWatches(clusters: readonly Cluster[]): Promise<void> {
    const wanted = new Map(clusters.map((c) => [c.metadata.name, c]));
    for (const [name, w] of this.watches) {
      const c = wanted.get(name);
      if (!c || JSON.stringify(c.spec?.kubeconfig ?? {}) !== w.spec) {
        this.watches.delete(name);
        await w.watch.stop();
      }
    }
    const starting: Promise<void>[] = [];
    for (const [name, c] of wanted) {
      if (this.watches.has(name)) continue;
      let client: ClusterClient;
      try {
        client = this.options.connect(c);
      } catch (err) {
        this.options.log?.(`cluster ${name}: ${(err as Error).message}`);
        continue;
      }
      const watched: Watched = {
        watch: new ClusterWatch({
          client,
          onChange: () => this.schedule(),
          // Until a pass has planned the cluster nothing is settled: every event of ours asks for one.
          settled: (o, deleted) => watched.planned && settles(watched.desired, o, deleted),
          onError: (err) => this.options.log?.(`cluster ${name}: ${err.message}`),
        }),
        spec: JSON.stringify(c.spec?.kubeconfig ?? {}),
        desired: new Map(),
        planned: false,
      };
      const { watch } = watched;
      this.watches.set(name, watched);
      starting.push(
        watch.start().catch((err: unknown) => this.options.log?.(`cluster ${name}: ${(err as Error).message}`)),
      );
    }
    // A slow or unreachable cluster must not hold up the others: wait a bounded time for first lists; a cluster that
    // syncs later triggers a reconcile through its informers' events.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(starting),
      new Promise((r) => (timer = setTimeout(r, this.options.syncTimeoutMs ?? 5000))),
    ]);
    clearTimeout(timer);
  }

  /** Makes one cluster's generated objects the planned ones; never throws (failures are in the result). */
  private async applyCluster(
    cluster: string,
    w: Watched,
    objects: readonly GeneratedObject[],
    keepSources: ReadonlySet<string>,
  ): Promise<ApplyResult> {
    // Set before writing: the echo of a write can arrive before the write's answer.
    w.desired = indexDesired(objects, w.desired);
    w.planned = true;
    const changes = diff({ desired: w.desired, actual: w.watch.owned(), keepSources });
    const a = await applyChanges(w.watch.client, changes);
    if (changes.length > 0) {
      this.options.log?.(
        `${cluster}: ${a.created} created, ${a.updated} updated, ${a.deleted} deleted, ${a.failed.length} failed, ${a.refused.length} refused`,
      );
    }
    return a;
  }

  /**
   * Logs the pass's failed and refused writes that the last pass did not have (a conflict that lasts is one line,
   * not one a pass) and schedules the retry of failed ones. A failed write (an API error, an object of someone
   * else's with our name) is retried after a delay that doubles while failures go on, so one object that cannot be
   * written does not cost a whole pass every second; a refused one is not retried: the same inputs plan the same
   * invalid object.
   */
  private afterWrites(applied: Readonly<Record<string, ApplyResult>>): void {
    const problems = new Map<string, string>();
    for (const [cluster, a] of Object.entries(applied)) {
      for (const f of a.failed) problems.set(`${cluster}\n${keyOfChange(f.change)}`, `${cluster}: ${f.error.message}`);
      for (const r of a.refused) {
        problems.set(
          `${cluster}\n${keyOfChange(r.change)}`,
          `${cluster}: ${describeRefusal(r.change.object, r.issues)}`,
        );
      }
    }
    for (const [key, line] of problems) if (this.problems.get(key) !== line) this.options.log?.(line);
    this.problems = problems;
    clearTimeout(this.retry?.timer);
    if (!Object.values(applied).some((a) => a.failed.length > 0)) {
      this.retry = undefined;
      return;
    }
    const delayMs = this.retry ? Math.min(this.retry.delayMs * 2, MAX_RETRY_MS) : (this.options.retryMs ?? 1000);
    this.retry = { timer: setTimeout(() => this.schedule(), delayMs).unref(), delayMs };
  }

  /** One ingest -> plan -> apply -> status pass. */
  async reconcileOnce(): Promise<ReconcileResult> {
    const snapshot = this.options.config.current();
    const config = snapshot?.config ?? {
      workspaces: [],
      workspaceSettings: [],
      organizationSettings: [],
      clusters: [],
    };
    await this.syncWatches(config.clusters);
    const synced = [...this.watches].filter(([, w]) => w.watch.synced());
    const unsynced = config.clusters.map((c) => c.metadata.name).filter((n) => !this.watches.get(n)?.watch.synced());
    const inventories = synced.map(([cluster, w]) => buildInventory({ cluster, objects: w.watch.raw() }));
    const resolved = await resolveGatewayNames(inventories, this.options.resolver ?? systemResolver);
    const applied: Record<string, ApplyResult> = {};
    const keepSources = new Set(unsynced);
    const watched = new Map(synced);
    const writing: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    // Each cluster is written as soon as it is planned, and the next is planned while those writes wait on their
    // API: at 1,000 services x 10 clusters planning is about a second, which the writes used to wait out.
    const steps = planSteps({ config, inventories, resolved, memo: this.planMemo });
    let step: IteratorResult<ClusterPlan, PlanOutput>;
    try {
      for (step = steps.next(); !step.done; step = steps.next()) {
        const { cluster, objects } = step.value;
        const w = watched.get(cluster);
        if (!w) continue;
        // Handled at once: a rejection must not wait, unhandled, while the next cluster is planned.
        const written = this.applyCluster(cluster, w, objects, keepSources).then(
          (a) => void (applied[cluster] = a),
          (error: unknown) => void (failure ??= { error }),
        );
        writing.push(written);
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      // Even when planning fails midway: the next pass must not write beside this one's last writes.
      await Promise.all(writing);
    }
    if (failure) throw failure.error;
    const out = step.value;
    this.afterWrites(applied);
    const result = { plan: out, inventories, applied, unsynced };
    if (this.options.status) {
      const revision = /^\d+$/.test(snapshot?.revision ?? '') ? Number(snapshot?.revision) : undefined;
      for (const r of statusReports({
        result,
        clusters: config.clusters,
        settings: config.workspaceSettings,
        errors: (n) => this.watches.get(n)?.watch.error(),
      })) {
        await this.options.status.report(revision === undefined ? r : { ...r, revision });
      }
    }
    return result;
  }
}
