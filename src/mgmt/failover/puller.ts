/**
 * Pulls the flight recorders of the proxies (`http://<podIP>:15020/failover/events`) into the store on an interval.
 *
 * Nothing is lost across a management-plane restart: proxies keep their events in their ring meanwhile, and a
 * puller that has no cursor for a proxy resumes from the highest sequence the store holds for that proxy's boot (the
 * store ignores an event it already has, so a repeated page is harmless). A proxy that restarted has a new boot
 * and its sequence starts again at 1. Every answer is bounded (size, time) and checked before anything is stored;
 * a proxy that fails is reported and skipped, never fatal.
 */
import type { Store } from '../store/types.js';
import { EventPageError, failoverSourceKey, MAX_PAGE_EVENTS, parsePage } from './event.js';
import type { PulledPage } from './event.js';

/** Options of {@link FailoverEventPuller}. */
export interface PullerOptions {
  /** The proxies' `/failover/events` URLs, asked again before each round (pods come and go). */
  readonly targets: () => readonly string[] | Promise<readonly string[]>;
  readonly store: Store;
  /** Default 2 s. */
  readonly intervalMs?: number;
  /** Per request; default 1.5 s. */
  readonly timeoutMs?: number;
  /** Largest answer read; default 2 MiB (a full page is about 300 KiB). */
  readonly maxBytes?: number;
  /** Events older than this are deleted; default 7 days. */
  readonly retentionMs?: number;
  /** Pages read from one proxy per round at most; default 5. */
  readonly maxPages?: number;
  readonly now?: () => number;
  readonly onError?: (target: string, error: Error) => void;
}

/** Where the next pull of one proxy starts. */
interface Cursor {
  boot: string;
  seq: number;
}

/** Reads a response body, refusing more than `max` bytes. */
async function boundedText(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > max) throw new EventPageError('$', `answer of ${declared} bytes exceeds ${max}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > max) throw new EventPageError('$', `answer exceeds ${max} bytes`);
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Pulls every proxy's new events into the store, one round per interval. */
export class FailoverEventPuller {
  private readonly cursors = new Map<string, Cursor>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private prunedAt = -Infinity;
  private readonly o: Required<Omit<PullerOptions, 'onError'>> & Pick<PullerOptions, 'onError'>;

  constructor(options: PullerOptions) {
    this.o = {
      intervalMs: 2000,
      timeoutMs: 1500,
      maxBytes: 2 * 1024 * 1024,
      retentionMs: 7 * 24 * 3600 * 1000,
      maxPages: 5,
      now: Date.now,
      ...options,
    };
    for (const k of ['intervalMs', 'timeoutMs', 'maxBytes', 'retentionMs', 'maxPages'] as const) {
      if (!Number.isFinite(this.o[k]) || this.o[k] <= 0) throw new RangeError(`${k} must be a positive number`);
    }
  }

  /** Starts pulling (first round at once). */
  start(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      if (this.running === undefined) this.running = this.pullOnce().finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs);
    this.timer.unref();
  }

  /** Stops and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round over every target; resolves with the number of events newly stored. */
  async pullOnce(): Promise<number> {
    const targets = [...new Set(await this.o.targets())];
    for (const t of this.cursors.keys()) if (!targets.includes(t)) this.cursors.delete(t);
    const added = await Promise.all(targets.map((t) => this.pullTarget(t).catch((err: Error) => this.fail(t, err))));
    // Deleting old events scans the table: once a minute is plenty for a retention counted in days.
    const now = this.o.now();
    if (now - this.prunedAt >= 60_000) {
      this.prunedAt = now;
      await this.o.store.pruneFailoverEvents(now - this.o.retentionMs);
      // A drill's report is read from these events: its run goes with them.
      await this.o.store.pruneDrillRuns(now - this.o.retentionMs);
    }
    return added.reduce((a, b) => a + b, 0);
  }

  private fail(target: string, err: Error): number {
    this.o.onError?.(target, err);
    return 0;
  }

  private async page(target: string, after: number): Promise<PulledPage> {
    const res = await fetch(`${target}?after=${after}&limit=${MAX_PAGE_EVENTS}`, {
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    const text = await boundedText(res, this.o.maxBytes);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    try {
      return parsePage(JSON.parse(text));
    } catch (err) {
      if (err instanceof EventPageError) throw err;
      throw new EventPageError('$', `not JSON: ${(err as Error).message}`);
    }
  }

  private async pullTarget(target: string): Promise<number> {
    const known = this.cursors.get(target);
    let page = await this.page(target, known?.seq ?? 0);
    let seq = known?.seq ?? 0;
    // No cursor (this process just started) or a new boot (the proxy restarted and its sequence began again at 1):
    // resume from what the store already holds for this boot.
    if (known === undefined || known.boot !== page.boot) {
      const stored = await this.o.store.lastFailoverSeq(failoverSourceKey(page.source), page.boot);
      if (stored !== seq) page = await this.page(target, stored);
      seq = stored;
    }
    let added = 0;
    for (let n = 0; n < this.o.maxPages; n++) {
      added += await this.o.store.addFailoverEvents(page.events);
      seq = page.events[page.events.length - 1]?.seq ?? seq;
      this.cursors.set(target, { boot: page.boot, seq });
      if (page.events.length < MAX_PAGE_EVENTS) break;
      const next = await this.page(target, seq);
      if (next.boot !== page.boot) break;
      page = next;
    }
    return added;
  }
}
