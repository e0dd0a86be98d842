/**
 * The upstream attempts of one outbound request under its route's retry policy, as Envoy's router makes them:
 *
 * - a retry picks its host with the `previous_hosts` predicate (hosts already tried are drawn again, up to
 *   `host_selection_retry_max_attempts`) and the `previous_priorities` retry priority (every `update_frequency`
 *   attempts, the priority levels already attempted are left out of the load, so a retry after a local failure
 *   goes to the next level: the remote copy);
 * - a result is retried when `retry_on` covers it (`retriable`), attempts remain, the route deadline is not
 *   reached, and the body can be replayed (never a non-idempotent request whose bytes reached an upstream);
 * - with `hedge_on_per_try_timeout`, a try that outlives the per-try timeout is left running and another starts
 *   beside it; the first usable response wins and the others are cancelled (an error response is discarded while
 *   another try is still running, as Envoy does). Hedges in flight are bounded by a budget (HedgeBudget).
 *   Without hedging the per-try timeout ends the try;
 * - the per-try idle timeout ends a try whose upstream shows no progress for that long (interim 1xx responses,
 *   which a peer's inbound listener sends while its application works, count as progress);
 * - every outcome feeds outlier detection: connect failures, resets and timeouts as gateway errors (a hedged try
 *   counts as timed out when another try answered first).
 *
 * Resolves with the winning response or the reply to send; never rejects and never outlives the route timeout.
 */
import type { ClusterBalancer, Host } from '../balancer/cluster-balancer.js';
import type { AttemptOutcome } from '../balancer/outlier.js';
import type { RetryModel, VirtualHostModel } from '../xds/model.js';
import type { AttemptResult } from './attempt.js';
import { TryCancel } from './try-cancel.js';

/** Envoy's response texts, so operators recognise them. */
export const REASONS = {
  noHealthy: 'no healthy upstream',
  connect: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  reset: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
  timeout: 'upstream request timeout',
} as const;

/** What the loop needs of a response: its status, and a way to discard it. */
export interface UpstreamAnswer {
  readonly statusCode?: number | undefined;
  resume(): unknown;
}

/** What the loop needs of a request body: whether it may be sent again, and a way to stop feeding a failed try. */
export interface ReplayableBody {
  canReplay(method: string, connected: boolean): boolean;
  canHedge(method: string): boolean;
  detach(): void;
}

/** The bounds of one try, set by the loop (see attempt.ts for their meaning). */
export interface TryLimits {
  connectTimeoutMs: number;
  timeoutMs: number;
  idleTimeoutMs: number;
  cancel: TryCancel;
}

/** Whether a result may be retried under `policy` (Envoy retry_on semantics). */
export function retriable(r: AttemptResult<UpstreamAnswer>, policy: RetryModel): boolean {
  const on = policy.retryOn;
  if (r.kind === 'failure') {
    if (r.reason === 'connect')
      return on.has('connect-failure') || on.has('5xx') || on.has('gateway-error') || on.has('reset');
    return on.has('reset') || on.has('5xx') || on.has('gateway-error');
  }
  const code = r.res.statusCode ?? 0;
  if (on.has('5xx') && code >= 500) return true;
  if (on.has('gateway-error') && (code === 502 || code === 503 || code === 504)) return true;
  if (on.has('retriable-status-codes') && policy.retriableStatusCodes.has(code)) return true;
  return on.has(String(code));
}

/**
 * The outlier detection outcome of an attempt's result; undefined when it says nothing sure about the host: a
 * reset on a pooled connection before any answer (`stale`: usually the server's keep-alive timeout winning the
 * race) is retried, not held against the host. Counted, a burst of them after a pause in traffic (every pooled
 * connection closed by the server at once) can reach the consecutive errors that eject a healthy host for the base
 * ejection time (30 s). A peer that really died is still ejected: its new connections are refused.
 */
export function outcomeOf(r: AttemptResult<UpstreamAnswer>): AttemptOutcome | undefined {
  if (r.kind === 'failure') return r.stale ? undefined : 'local-origin';
  const code = r.res.statusCode ?? 0;
  if (code >= 502 && code <= 504) return 'gateway';
  return code >= 500 ? 'http5xx' : 'success';
}

/** What the outbound handler sends: an upstream response to stream, or a reply of its own. */
export type Final<R> = { kind: 'reply'; code: number; text: string } | Extract<AttemptResult<R>, { kind: 'response' }>;

/** Inputs of {@link runAttempts}. */
export interface RetryLoopOptions<R extends UpstreamAnswer> {
  balancer: ClusterBalancer;
  vh: VirtualHostModel;
  method: string;
  body: ReplayableBody;
  /** `performance.now()` when the request arrived (the route timeout counts from there). */
  start: number;
  /** Makes one try on `host` within `limits` (attempt.ts, or the fast path's fast-attempt.ts). */
  attempt: (host: Host, limits: TryLimits) => Promise<AttemptResult<R>>;
}

/**
 * A retry budget for hedged tries (after Envoy's `retry_budget`: 20 % of the cluster's active requests, at least
 * 3): hedging multiplies the load on a service that is slow rather than dead, so a hedge waits (and is asked
 * again 25 ms later) while the budget is spent. Retries after a failure are not held back: the request they
 * replay never reached an answer, and dropping them would lose requests during a failover.
 */
class HedgeBudget {
  activeRequests = 0;
  activeHedges = 0;
  allows(): boolean {
    return this.activeHedges < Math.max(3, 0.2 * this.activeRequests);
  }
}
const budgets = new WeakMap<ClusterBalancer, HedgeBudget>();
const HEDGE_RECHECK_MS = 25;

interface Inflight<R> {
  /** Started by the per-try timer beside a running try (counts against the hedge budget while it runs). */
  hedge: boolean;
  host: Host;
  cancel: TryCancel;
  startedAt: number;
  done: Promise<{ kind: 'done'; id: number; r: AttemptResult<R> }>;
}

type Wake<R> = { kind: 'done'; id: number; r: AttemptResult<R> } | { kind: 'hedge' } | { kind: 'deadline' };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the attempts of one request; see the module comment. */
export async function runAttempts<R extends UpstreamAnswer>(o: RetryLoopOptions<R>): Promise<Final<R>> {
  let budget = budgets.get(o.balancer);
  if (!budget) budgets.set(o.balancer, (budget = new HedgeBudget()));
  budget.activeRequests++;
  try {
    return await attemptsWithin(o, budget);
  } finally {
    budget.activeRequests--;
  }
}

async function attemptsWithin<R extends UpstreamAnswer>(
  o: RetryLoopOptions<R>,
  budget: HedgeBudget,
): Promise<Final<R>> {
  const { balancer, vh, body, method } = o;
  const policy = vh.retry;
  const maxAttempts = 1 + (policy?.numRetries ?? 0);
  const deadline = vh.timeoutMs > 0 ? o.start + vh.timeoutMs : Infinity;
  const perTryMs = policy?.perTryTimeoutMs ?? 0;
  let hedging = policy?.hedgeOnPerTryTimeout === true && perTryMs > 0;
  const attempted: Host[] = [];
  const tried = new Set<string>();
  let excludedPriorities: ReadonlySet<number> = new Set();
  const inflight = new Map<number, Inflight<R>>();
  let launched = 0;
  let last: AttemptResult<R> | undefined;
  let hedgeAt = Infinity;

  const launch = (hedge = false): boolean => {
    const frequency = policy?.priorityUpdateFrequency ?? 0;
    if (frequency > 0 && attempted.length >= frequency && attempted.length % frequency === 0) {
      excludedPriorities = new Set(attempted.map((h) => h.priority));
    }
    const host = balancer.pick({
      ...(policy?.otherHost ? { exclude: tried } : {}),
      selectionAttempts: policy?.hostSelectionAttempts ?? 1,
      excludePriorities: excludedPriorities,
    });
    if (!host) return false;
    attempted.push(host);
    tried.add(host.key);
    const remaining = deadline - performance.now();
    // A hedged try is bounded by the route deadline only: the per-try timer starts a hedge instead of ending it.
    const limit = hedging || !(perTryMs > 0) ? remaining : Math.min(perTryMs, remaining);
    const id = launched++;
    const cancel = new TryCancel();
    const done = o
      .attempt(host, {
        connectTimeoutMs: balancer.cluster.connectTimeoutMs,
        timeoutMs: Number.isFinite(limit) ? Math.max(1, Math.round(limit)) : 0,
        idleTimeoutMs: policy?.perTryIdleTimeoutMs ?? 0,
        cancel,
      })
      .then((r) => ({ kind: 'done' as const, id, r }));
    inflight.set(id, { hedge, host, cancel, startedAt: performance.now(), done });
    if (hedge) budget.activeHedges++;
    hedgeAt = performance.now() + perTryMs;
    return true;
  };
  const ended = (a: Inflight<R>): void => {
    if (a.hedge) budget.activeHedges--;
  };
  /**
   * Cancels the tries still running once one has answered. A try that had already outlived its per-try timeout
   * lost the race to another host: that is its timeout, recorded for outlier detection (so silent hosts get
   * ejected). Recording at the per-try timeout itself would also count hosts that are merely slow on a busy machine
   * and then answer first, and could eject every level.
   */
  const cancelAll = (): void => {
    for (const a of inflight.values()) {
      ended(a);
      a.cancel.cancel();
      if (perTryMs > 0 && performance.now() - a.startedAt >= perTryMs) balancer.record(a.host, 'local-origin');
    }
    inflight.clear();
  };

  if (!launch()) return { kind: 'reply', code: 503, text: REASONS.noHealthy };
  while (inflight.size > 0) {
    const timers: NodeJS.Timeout[] = [];
    const wakes: Promise<Wake<R>>[] = [...inflight.values()].map((a) => a.done);
    if (hedging && launched < maxAttempts && body.canHedge(method)) {
      const wait = hedgeAt - performance.now();
      wakes.push(
        new Promise((resolve) => timers.push(setTimeout(() => resolve({ kind: 'hedge' }), Math.max(0, wait)))),
      );
    }
    if (Number.isFinite(deadline)) {
      const wait = deadline - performance.now();
      wakes.push(
        new Promise((resolve) => timers.push(setTimeout(() => resolve({ kind: 'deadline' }), Math.max(0, wait)))),
      );
    }
    const wake = await Promise.race(wakes);
    for (const t of timers) clearTimeout(t);
    if (wake.kind === 'deadline') {
      cancelAll();
      return { kind: 'reply', code: 504, text: REASONS.timeout };
    }
    if (wake.kind === 'hedge') {
      // The newest try outlived its per-try timeout: another try starts beside it, budget permitting, and only if
      // the body may still be sent twice (a try started since the timer was set may have taken it).
      if (!body.canHedge(method)) hedging = false;
      else if (!budget.allows()) hedgeAt = performance.now() + HEDGE_RECHECK_MS;
      else if (!launch(true)) hedging = false;
      continue;
    }
    const attempt = inflight.get(wake.id);
    inflight.delete(wake.id);
    if (!attempt) continue;
    ended(attempt);
    const r = wake.r;
    const outcome = outcomeOf(r);
    if (outcome) balancer.record(attempt.host, outcome);
    const retry = policy !== undefined && retriable(r, policy);
    if (r.kind === 'response' && !retry) {
      cancelAll();
      return r;
    }
    last = r;
    const connected = r.kind === 'failure' ? r.connected : true;
    const again = retry && launched < maxAttempts && body.canReplay(method, connected) && performance.now() < deadline;
    if (r.kind === 'response' && (again || inflight.size > 0)) {
      // A retriable answer is dropped when another try runs or follows (Envoy discards it while hedging).
      r.res.resume();
      last = undefined;
    }
    if (!again) {
      if (inflight.size === 0) break;
      continue;
    }
    body.detach();
    // Envoy's default retry back-off: 25 ms base, jittered, doubling.
    await sleep(Math.random() * 25 * 2 ** (launched - 1));
    if (!launch() && inflight.size === 0) break;
  }
  if (!last) return { kind: 'reply', code: 503, text: REASONS.noHealthy };
  if (last.kind === 'response') return last;
  if (last.reason === 'timeout') return { kind: 'reply', code: 504, text: REASONS.timeout };
  return { kind: 'reply', code: 503, text: last.reason === 'connect' ? REASONS.connect : REASONS.reset };
}
