/**
 * Progress signals of the inbound listener: while the application works on a request, the listener sends the
 * caller `102 Processing` every {@link PROGRESS_INTERVAL_MS}, so the calling sidecar's per-try idle timeout
 * (retry-loop.ts) tells a live peer that is slow (its application waits for its own dependencies, or the machine is
 * saturated) from a silent one (stopped, partitioned), which sends nothing. This is HTTP/1.1's counterpart of the
 * HTTP/2 PING keepalive a proxy would use on a multiplexed connection. Fast requests cost a set insertion and
 * deletion: one timer per listener walks the pending requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How often a pending request is acknowledged; well under the mesh's 750 ms per-try idle timeout. */
export const PROGRESS_INTERVAL_MS = 150;

/** The pending requests of one listener and the timer that acknowledges them. */
export class ProgressSignals {
  private readonly pending = new Map<ServerResponse, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = PROGRESS_INTERVAL_MS) {}

  /** Acknowledges `res` until its response headers are sent or it closes. HTTP/1.0 clients get no 1xx. */
  track(req: IncomingMessage, res: ServerResponse): void {
    if (req.httpVersionMajor < 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor < 1)) return;
    this.pending.set(res, performance.now());
    res.once('close', () => this.done(res));
    this.timer ??= setInterval(() => this.tick(), this.intervalMs).unref();
  }

  /** The response headers are on their way (or the request failed): no more acknowledgements. */
  done(res: ServerResponse): void {
    this.pending.delete(res);
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Requests being acknowledged now. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Stops the timer (listener closing). */
  stop(): void {
    this.pending.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const due = performance.now() - this.intervalMs;
    for (const [res, since] of this.pending) {
      if (res.headersSent || res.destroyed) this.done(res);
      else if (since <= due) res.writeProcessing();
    }
  }
}
