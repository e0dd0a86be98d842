/**
 * Failover episodes from recorded events: a pure function, so the rules are table tests.
 *
 * An episode is read per proxy (cluster, namespace, pod), per process start (`boot`: counters restart with it) and
 * per upstream:
 *
 * | Figure | From | To |
 * | --- | --- | --- |
 * | trigger | the earliest ejection, priority shift or panic entered of the run that leads to the first remote answer: within `triggerWindowMs` before it, and no more than `triggerGapMs` from the next event of the run (none: the remote answer itself) | |
 * | time to fail over | trigger | first answer served by another cluster (`served-remote`) |
 * | requests failed | trigger's failed counter | failback's (or the last event's, while open) |
 * | recovered | the last return, priority shift or panic left between the remote answer and the failback | |
 * | time to fail back | recovered (else the remote answer) | first answer served at home again (`failback`) |
 * | duration | trigger | failback |
 *
 * A proxy's events carry its cumulative failed/answered counters of the upstream, so the requests failed in an
 * episode are a difference of two counters and need no event per request.
 */
import type { EventSource, StoredEvent } from './event.js';

/** One failover and, once it happened, its failback. */
export interface Episode {
  readonly service: string;
  readonly upstream: string;
  readonly source: EventSource;
  readonly trigger: { readonly kind: StoredEvent['kind']; readonly atMs: number; readonly priority?: number };
  /** The cluster that served before and the one that took over. */
  readonly from: string;
  readonly to: string;
  readonly startedAtMs: number;
  readonly failedOverAtMs: number;
  readonly timeToFailoverMs: number;
  /** Requests this proxy answered with a 5xx from the trigger to the failback (or the last event, while open). */
  readonly requestsFailed: number;
  readonly recoveredAtMs?: number;
  readonly failedBackAtMs?: number;
  readonly timeToFailbackMs?: number;
  readonly durationMs?: number;
  /** No failback recorded yet. */
  readonly open: boolean;
}

/** Options of {@link episodesOf}. */
export interface EpisodeOptions {
  /** How far before the first remote answer a trigger may lie; default 30 s. */
  readonly triggerWindowMs?: number;
  /**
   * Longest quiet time inside a trigger run; default 10 s, the route timeout: an ejection followed by nothing for
   * longer (one local host of several, the others still serving) did not make this failover's requests leave home,
   * so a later shift, not it, starts the episode.
   */
  readonly triggerGapMs?: number;
}

const TRIGGERS = new Set<StoredEvent['kind']>(['ejection', 'priority-shift', 'panic-entered']);
const RECOVERIES = new Set<StoredEvent['kind']>(['return', 'priority-shift', 'panic-left']);

const streamKey = (e: StoredEvent): string =>
  [e.source.cluster, e.source.namespace, e.source.pod, e.boot, e.upstream].join('\u0000');

const byTime = (a: StoredEvent, b: StoredEvent): number => a.atMs - b.atMs || a.seq - b.seq;

/**
 * The trigger of the remote answer at `remote`: walking back from it over trigger events (from `from` on, inside the
 * window, after `calmSince`), the earliest one reached without a gap longer than `gapMs`.
 */
function triggerOf(
  events: readonly StoredEvent[],
  from: number,
  remote: number,
  o: { windowMs: number; gapMs: number; calmSince: number },
): StoredEvent | undefined {
  const served = events[remote]!;
  let trigger: StoredEvent | undefined;
  let next = served.atMs;
  for (let j = remote - 1; j >= from; j--) {
    const e = events[j]!;
    if (!TRIGGERS.has(e.kind)) continue;
    if (e.atMs < served.atMs - o.windowMs || e.atMs <= o.calmSince || next - e.atMs > o.gapMs) break;
    trigger = e;
    next = e.atMs;
  }
  return trigger;
}

/** Episodes of one stream (one proxy, one boot, one upstream), events in time order. */
function streamEpisodes(events: readonly StoredEvent[], windowMs: number, gapMs: number): Episode[] {
  const out: Episode[] = [];
  let calmSince = -Infinity;
  let i = 0;
  while (i < events.length) {
    const remote = events.findIndex((e, j) => j >= i && e.kind === 'served-remote');
    if (remote < 0) break;
    const served = events[remote]!;
    const trigger = triggerOf(events, i, remote, { windowMs, gapMs, calmSince }) ?? served;
    const back = events.findIndex((e, j) => j > remote && e.kind === 'failback');
    // The last change before the failback is when home became usable again: earlier ones (a new pod listed in
    // EDS before it is ready) moved no load home.
    const recovered = events.filter((e, j) => j > remote && (back < 0 || j < back) && RECOVERIES.has(e.kind)).at(-1);
    const end = back >= 0 ? events[back]! : events[events.length - 1]!;
    const base = {
      service: served.service,
      upstream: served.upstream,
      source: served.source,
      trigger: {
        kind: trigger.kind,
        atMs: trigger.atMs,
        ...(trigger.priority === undefined ? {} : { priority: trigger.priority }),
      },
      from: served.from ?? served.source.cluster,
      to: served.to ?? 'unknown',
      startedAtMs: trigger.atMs,
      failedOverAtMs: served.atMs,
      timeToFailoverMs: served.atMs - trigger.atMs,
      requestsFailed: Math.max(0, end.failed - trigger.failed),
      ...(recovered ? { recoveredAtMs: recovered.atMs } : {}),
    };
    if (back < 0) {
      out.push({ ...base, open: true });
      break;
    }
    out.push({
      ...base,
      failedBackAtMs: end.atMs,
      timeToFailbackMs: end.atMs - (recovered ?? served).atMs,
      durationMs: end.atMs - trigger.atMs,
      open: false,
    });
    calmSince = end.atMs;
    i = back + 1;
  }
  return out;
}

/** Every episode in `events` (any order, any mix of proxies and upstreams), oldest first. */
export function episodesOf(events: readonly StoredEvent[], options: EpisodeOptions = {}): Episode[] {
  const windowMs = options.triggerWindowMs ?? 30_000;
  const gapMs = options.triggerGapMs ?? 10_000;
  const streams = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const k = streamKey(e);
    const list = streams.get(k);
    if (list) list.push(e);
    else streams.set(k, [e]);
  }
  const out: Episode[] = [];
  for (const list of streams.values()) out.push(...streamEpisodes(list.sort(byTime), windowMs, gapMs));
  return out.sort((a, b) => a.startedAtMs - b.startedAtMs || a.source.pod.localeCompare(b.source.pod));
}
