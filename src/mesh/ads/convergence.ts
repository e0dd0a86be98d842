/**
 * Time from a cluster change to the last ACK of the pushes it caused. Each push pass (one rebuild after a
 * debounced change) records which response, by nonce, it sent on which stream and type; the pass is converged
 * when every one of those responses, or a later one of the same stream and type, has been ACKed, or its stream
 * has gone. Nonces are increasing numbers per stream (both session kinds issue them so), which is what lets a
 * later ACK cover an earlier response (state of the world ignores the ACK of a superseded response).
 */

/** A push pass awaiting ACKs. */
interface Pass {
  readonly changedAt: number;
  remaining: number;
  done: boolean;
}

interface Waiter {
  readonly pass: Pass;
  readonly nonce: number;
}

/** Passes awaiting ACKs beyond this many are given up (their proxies never ACKed, e.g. after a NACK). */
const MAX_PENDING_PASSES = 256;

/** Options of {@link ConvergenceTracker}. */
export interface ConvergenceOptions {
  /** Called once per converged pass with the time from its change to the last ACK, in ms. */
  readonly onConverged: (ms: number) => void;
  /** The clock (ms); `performance.now` by default. */
  readonly now?: () => number;
}

/** Follows push passes to their last ACK. Sessions are any objects (keys of a WeakMap). */
export class ConvergenceTracker {
  private pass: Pass | undefined;
  private readonly pending: Pass[] = [];
  private readonly waiters = new WeakMap<object, Map<string, Waiter[]>>();
  private readonly now: () => number;
  /** The last converged pass's change -> last ACK time, ms (undefined before the first). */
  lastMs: number | undefined;

  constructor(private readonly options: ConvergenceOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Starts a push pass for a change first seen at `changedAt` (the clock's time). */
  beginPass(changedAt: number): void {
    this.pass = { changedAt, remaining: 0, done: false };
  }

  /** Records a response sent during the current pass (ignored outside a pass: replies to requests). */
  sent(session: object, typeUrl: string, nonce: string): void {
    const pass = this.pass;
    const n = Number(nonce);
    if (!pass || !Number.isFinite(n)) return;
    let byType = this.waiters.get(session);
    if (!byType) this.waiters.set(session, (byType = new Map()));
    let list = byType.get(typeUrl);
    if (!list) byType.set(typeUrl, (list = []));
    list.push({ pass, nonce: n });
    pass.remaining += 1;
  }

  /** Ends the current pass; a pass that sent nothing changed no proxy and is not measured. */
  endPass(): void {
    const pass = this.pass;
    this.pass = undefined;
    if (!pass || pass.remaining === 0) return;
    this.pending.push(pass);
    while (this.pending.length > MAX_PENDING_PASSES) (this.pending.shift() as Pass).done = true;
  }

  /** Records an ACK of `nonce`: it answers that response and every earlier one of the stream and type. */
  acked(session: object, typeUrl: string, nonce: string): void {
    const list = this.waiters.get(session)?.get(typeUrl);
    const n = Number(nonce);
    if (!list || !Number.isFinite(n)) return;
    while (list.length > 0 && (list[0] as Waiter).nonce <= n) this.settle((list.shift() as Waiter).pass);
  }

  /** A stream ended: its responses no longer hold any pass up. */
  dropped(session: object): void {
    const byType = this.waiters.get(session);
    if (!byType) return;
    this.waiters.delete(session);
    for (const list of byType.values()) for (const w of list) this.settle(w.pass);
  }

  private settle(pass: Pass): void {
    pass.remaining -= 1;
    if (pass.remaining > 0 || pass.done) return;
    pass.done = true;
    const i = this.pending.indexOf(pass);
    if (i >= 0) this.pending.splice(i, 1);
    this.lastMs = this.now() - pass.changedAt;
    this.options.onConverged(this.lastMs);
  }
}
