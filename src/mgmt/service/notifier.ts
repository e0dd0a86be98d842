/**
 * Wakes snapshot long polls when the configuration revision moves. In-process: every write goes through this server
 * (one management-plane process per store), and waiters re-read the store after waking, so the notifier's number
 * only decides when to look, never what is returned.
 */

interface Waiter {
  after: number;
  wake: () => void;
}

/** Tracks the latest committed revision and the long polls waiting for a newer one. */
export class RevisionNotifier {
  private latest: number;
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(revision: number) => void>();

  constructor(initial: number) {
    this.latest = initial;
  }

  /** Records a committed revision and wakes every waiter it satisfies (asynchronously, never re-entering). */
  publish(revision: number): void {
    if (revision <= this.latest) return;
    this.latest = revision;
    for (const l of this.listeners) queueMicrotask(() => l(revision));
    for (const w of [...this.waiters]) {
      if (revision > w.after) {
        this.waiters.delete(w);
        queueMicrotask(w.wake);
      }
    }
  }

  /** Resolves when a revision greater than `after` is committed, after `timeoutMs`, or when `signal` aborts. */
  waitPast(after: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.latest > after || timeoutMs <= 0 || signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(waiter);
        resolve();
      };
      const waiter: Waiter = { after, wake: done };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Calls `listener` after every newer revision (asynchronously); returns the unsubscribe. */
  subscribe(listener: (revision: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of pending long polls (for tests and metrics). */
  get pending(): number {
    return this.waiters.size;
  }
}
