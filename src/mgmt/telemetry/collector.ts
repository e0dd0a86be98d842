/**
 * Scrapes sidecar metrics endpoints on an interval and keeps a short history, from which it answers the current
 * topology (per-edge stats over a window) and the failover timeline. Scrapes run concurrently with a timeout;
 * a target that fails is reported, never fatal.
 */
import type { EdgeStats, Snapshot } from './edge-window.js';
import { windowStats } from './edge-window.js';
import type { Reporter } from './istio-metrics.js';
import { edgeCounters } from './istio-metrics.js';
import { parseExposition } from './prom-text.js';
import type { Routing, RoutingEvent } from './routing-events.js';
import { routingEvents, routingOf } from './routing-events.js';
import type { TargetHealth, Topology, TopologySource } from './topology.js';

/** Options of `MetricsCollector`; validated and frozen at construction. */
export interface CollectorOptions {
  /** The metrics URLs to scrape, asked again before each round (pods come and go). */
  targets: () => readonly string[] | Promise<readonly string[]>;
  intervalMs?: number;
  /** Window of the topology's rates (default 10 s). */
  windowMs?: number;
  /** Window used to notice failover: about one scrape interval, so events are dated to the round (default 1.5 intervals). */
  routingWindowMs?: number;
  timeoutMs?: number;
  reporter?: Reporter;
  /** Most events kept for the timeline. */
  maxEvents?: number;
  now?: () => number;
}

/** Raised for invalid options. */
export class CollectorOptionsError extends Error {
  readonly code = 'MB9202';
}

type Resolved = Required<Omit<CollectorOptions, 'targets'>> & Pick<CollectorOptions, 'targets'>;

function resolve(o: CollectorOptions): Readonly<Resolved> {
  const intervalMs = o.intervalMs ?? 2000;
  const r: Resolved = {
    targets: o.targets,
    intervalMs,
    windowMs: o.windowMs ?? 10_000,
    routingWindowMs: o.routingWindowMs ?? Math.round(intervalMs * 1.5),
    timeoutMs: o.timeoutMs ?? Math.min(1500, intervalMs),
    reporter: o.reporter ?? 'source',
    maxEvents: o.maxEvents ?? 200,
    now: o.now ?? Date.now,
  };
  for (const k of ['intervalMs', 'windowMs', 'routingWindowMs', 'timeoutMs', 'maxEvents'] as const) {
    if (!Number.isFinite(r[k]) || r[k] <= 0) throw new CollectorOptionsError(`${k} must be a positive number`);
  }
  if (r.windowMs < r.intervalMs) throw new CollectorOptionsError('windowMs must be at least intervalMs');
  return Object.freeze(r);
}

/** Scrapes Prometheus text endpoints (local clusters' sidecars) and serves the topology from them. */
export class MetricsCollector implements TopologySource {
  private readonly o: Readonly<Resolved>;
  private snapshots: Snapshot[] = [];
  private health = new Map<string, TargetHealth>();
  private routing = new Map<string, Routing>();
  private timeline: RoutingEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(options: CollectorOptions) {
    this.o = resolve(options);
  }

  /** Starts scraping every interval (first round immediately). */
  start(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      // Never overlap rounds: a slow round delays the next one instead of piling up.
      if (this.running === undefined) this.running = this.scrapeOnce().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs);
    this.timer.unref();
  }

  /** Stops scraping and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One scrape round of every target; also advances the failover timeline. */
  async scrapeOnce(): Promise<void> {
    const targets = [...new Set(await this.o.targets())];
    const results = await Promise.all(targets.map((t) => this.scrape(t)));
    const now = this.o.now();
    for (const s of results) if (s !== undefined) this.snapshots.push(s);
    // Keep what the longest window needs plus one interval, so the oldest in-window snapshot has a predecessor.
    const keepFrom = now - Math.max(this.o.windowMs, this.o.routingWindowMs) - this.o.intervalMs;
    this.snapshots = this.snapshots.filter((s) => s.atMs >= keepFrom);
    for (const t of this.health.keys()) if (!targets.includes(t)) this.health.delete(t);
    const next = routingOf(windowStats(this.snapshots, now, this.o.routingWindowMs));
    const { events, state } = routingEvents(this.routing, next, now);
    this.routing = state;
    this.timeline.push(...events);
    if (this.timeline.length > this.o.maxEvents) this.timeline = this.timeline.slice(-this.o.maxEvents);
  }

  private async scrape(target: string): Promise<Snapshot | undefined> {
    const atMs = this.o.now();
    try {
      const res = await fetch(target, { signal: AbortSignal.timeout(this.o.timeoutMs) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      const parsed = parseExposition(await res.text());
      this.health.set(target, {
        url: target,
        ok: true,
        lastScrapeMs: atMs,
        ...(parsed.errors.length > 0 ? { error: `${parsed.errors.length} unreadable lines` } : {}),
      });
      return { target, atMs, edges: edgeCounters(parsed.samples, this.o.reporter) };
    } catch (err) {
      this.health.set(target, { url: target, ok: false, lastScrapeMs: atMs, error: (err as Error).message });
      return undefined;
    }
  }

  /** Edge stats over the window ending now. */
  edges(): EdgeStats[] {
    return windowStats(this.snapshots, this.o.now(), this.o.windowMs);
  }

  /** The failover timeline, oldest first. */
  events(): RoutingEvent[] {
    return [...this.timeline];
  }

  /** Current topology for the UI. */
  async topology(): Promise<Topology> {
    return {
      source: 'scrape',
      atMs: this.o.now(),
      windowMs: this.o.windowMs,
      edges: this.edges(),
      events: this.events(),
      targets: [...this.health.values()].sort((a, b) => a.url.localeCompare(b.url)),
    };
  }
}
