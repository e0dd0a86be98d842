/**
 * The failover flight recorder of one proxy: a bounded ring of timestamped events about its outbound clusters
 * (ejections and returns, priority shifts, panic entered and left, the first request served by another cluster and
 * the failback), numbered by a sequence that starts at 1 for each process start (`boot`).
 *
 * The management plane pulls the ring (`since(after)`) instead of the proxy pushing it, so a management plane that
 * restarts simply asks again from where its store ends: events wait here meanwhile, and the store de-duplicates by
 * (source, boot, seq). When more events happen than the ring holds between two pulls, the oldest are overwritten
 * and `since` says how many were lost rather than pretending the timeline is whole.
 */
import { randomUUID } from 'node:crypto';

/** What happened. */
export type FailoverEventKind =
  'ejection' | 'return' | 'priority-shift' | 'panic-entered' | 'panic-left' | 'served-remote' | 'failback';

/**
 * Every event kind, in a stable order: the management plane accepts exactly these (a test keeps the two lists in
 * step).
 */
export const FAILOVER_EVENT_KINDS: readonly FailoverEventKind[] = [
  'ejection',
  'return',
  'priority-shift',
  'panic-entered',
  'panic-left',
  'served-remote',
  'failback',
];

/** One recorded event. */
export interface FailoverEvent {
  /** 1, 2, 3... within one `boot`. */
  readonly seq: number;
  /** Wall clock, milliseconds since the epoch. */
  readonly atMs: number;
  readonly kind: FailoverEventKind;
  /** The xDS cluster, e.g. `outbound|9080||details.bookinfo.svc.cluster.local`. */
  readonly upstream: string;
  /** ejection / return / panic: the priority level concerned. */
  readonly priority?: number;
  /** ejection / return: the host's locality (`region/zone/subzone`; never its address). */
  readonly locality?: string;
  /** served-remote / failback: the cluster that served before and the one serving now. */
  readonly from?: string;
  readonly to?: string;
  /** priority-shift: the healthy load per priority level (percent) before and after. */
  readonly loadBefore?: readonly number[];
  readonly loadAfter?: readonly number[];
  /** Requests to this upstream this proxy answered with a 5xx so far (cumulative within the boot). */
  readonly failed: number;
  /** Requests to this upstream this proxy answered so far (cumulative within the boot). */
  readonly answered: number;
}

/** An event as emitted, before the recorder numbers and dates it. */
export type EventInput = Omit<FailoverEvent, 'seq' | 'atMs' | 'failed' | 'answered'> & { atMs?: number };

/** What `since` returns (and the proxy serves as JSON). */
export interface EventPage {
  readonly boot: string;
  readonly events: readonly FailoverEvent[];
  /** Sequence of the newest event held (0 when none yet). */
  readonly last: number;
  /** Events after `after` that the ring no longer holds. */
  readonly lost: number;
}

/** Options of {@link FlightRecorder}. */
export interface RecorderOptions {
  /** The proxy's own cluster (a request served there is local). */
  readonly cluster: string;
  /** Events held; default 1024, at least 16. */
  readonly capacity?: number;
  readonly now?: () => number;
  /** Identifies this process start; default a random UUID. */
  readonly boot?: string;
  /**
   * How long answers must come from home only before a failback is recorded (dated at the first of them); default
   * 1 s. While traffic is split between clusters (a partial failover, or clusters sharing a region), answers
   * alternate, and without this each alternation would be a failover and a failback.
   */
  readonly settleMs?: number;
}

/** Per-upstream request counters and where it is served from. */
interface Served {
  failed: number;
  answered: number;
  /** Where successful answers come from: the first one sets it; `away` after a remote answer. */
  state?: { at: 'home' } | { at: 'away'; cluster: string; homeSinceMs?: number; baseline?: true };
}

/** Most events one `since` returns. */
export const MAX_PAGE = 1000;

/** The ring buffer and the served-cluster tracker of one proxy. */
export class FlightRecorder {
  readonly boot: string;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly ring: FailoverEvent[] = [];
  private seq = 0;
  private readonly served = new Map<string, Served>();
  private readonly settleMs: number;

  constructor(private readonly options: RecorderOptions) {
    const capacity = options.capacity ?? 1024;
    if (!Number.isInteger(capacity) || capacity < 16) throw new RangeError('capacity must be an integer >= 16');
    this.capacity = capacity;
    this.now = options.now ?? Date.now;
    this.boot = options.boot ?? randomUUID();
    this.settleMs = options.settleMs ?? 1000;
  }

  /** Appends an event, stamped with the next sequence, the time (unless given) and the upstream's counters. */
  emit(input: EventInput): FailoverEvent {
    const counters = this.counters(input.upstream);
    const event: FailoverEvent = {
      ...input,
      seq: ++this.seq,
      atMs: input.atMs ?? this.now(),
      failed: counters.failed,
      answered: counters.answered,
    };
    this.ring.push(event);
    if (this.ring.length > this.capacity) this.ring.shift();
    return event;
  }

  /**
   * Counts one answered request to `upstream` and follows where it is served from: the first success from another
   * cluster than the proxy's own is `served-remote`; once successes have come from the own cluster only for
   * `settleMs`, `failback` (dated at the first of them). `servedBy` is undefined when the answer did not say;
   * 5xx answers count as failed and never as served. The first success only sets the baseline: a service served
   * remotely from the start (no local copy) is not a failover.
   */
  answered(upstream: string, status: number, servedBy: string | undefined): void {
    const s = this.counters(upstream);
    s.answered++;
    const now = this.now();
    if (status >= 500 || status === 0) {
      s.failed++;
    } else if (servedBy !== undefined) {
      const home = servedBy === this.options.cluster;
      if (s.state === undefined) {
        s.state = home ? { at: 'home' } : { at: 'away', cluster: servedBy, baseline: true };
      } else if (s.state.at === 'home' && !home) {
        s.state = { at: 'away', cluster: servedBy };
        this.emit({ kind: 'served-remote', upstream, from: this.options.cluster, to: servedBy, atMs: now });
      } else if (s.state.at === 'away') {
        if (home) s.state.homeSinceMs ??= now;
        else s.state.homeSinceMs = undefined;
      }
    }
    this.settle(upstream, s, now);
  }

  /** Records the failbacks whose answers from home have lasted `settleMs` (the watcher's timer calls it). */
  tick(): void {
    const now = this.now();
    for (const [upstream, s] of this.served) this.settle(upstream, s, now);
  }

  private settle(upstream: string, s: Served, now: number): void {
    const st = s.state;
    if (st?.at !== 'away' || st.homeSinceMs === undefined || now - st.homeSinceMs < this.settleMs) return;
    s.state = { at: 'home' };
    // Served remotely from the start, then at home (a local copy deployed): no failover to fail back from.
    if (st.baseline) return;
    this.emit({ kind: 'failback', upstream, from: st.cluster, to: this.options.cluster, atMs: st.homeSinceMs });
  }

  /**
   * Whether this proxy has sent `upstream` any request yet. The watcher records balancer changes only for those:
   * every sidecar holds every service's cluster, and the changes of services it never calls tell no failover.
   */
  calls(upstream: string): boolean {
    return (this.served.get(upstream)?.answered ?? 0) > 0;
  }

  /** Events with a sequence above `after` (oldest first, at most `limit`, capped at MAX_PAGE). */
  since(after: number, limit = MAX_PAGE): EventPage {
    const n = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)));
    const oldest = this.ring[0]?.seq ?? this.seq + 1;
    const lost = Math.max(0, oldest - 1 - Math.max(0, after));
    const events = this.ring.filter((e) => e.seq > after).slice(0, n);
    return { boot: this.boot, events, last: this.seq, lost };
  }

  private counters(upstream: string): Served {
    let s = this.served.get(upstream);
    if (!s) {
      s = { failed: 0, answered: 0 };
      this.served.set(upstream, s);
    }
    return s;
  }
}
