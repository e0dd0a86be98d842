/**
 * Takes views of every outbound balancer when something may have changed and feeds their differences to the
 * flight recorder: after each accepted xDS update, right after an ejection, and on a short timer (ejections end
 * by time alone, with no call to notice them; a `return` is noticed within one interval of it). The timer also lets
 * the recorder settle failbacks when no further request arrives.
 */
import type { ProxyRuntime } from '../runtime.js';
import type { BalancerView } from './balancer-watch.js';
import { diffViews, viewOf } from './balancer-watch.js';
import type { FlightRecorder } from './flight-recorder.js';

/** Only client-side clusters tell a failover story; inbound and gateway clusters are the proxy's own app. */
const isOutbound = (name: string): boolean => name.startsWith('outbound|');

/** Options of {@link BalancerWatcher}. */
export interface WatcherOptions {
  readonly runtime: ProxyRuntime;
  readonly recorder: FlightRecorder;
  /** Timer period; default 500 ms. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/**
 * Compares each outbound balancer with its previous view and records what changed, for the upstreams this proxy
 * calls (views of the others are kept, so a first request does not turn their past into events).
 */
export class BalancerWatcher {
  private readonly views = new Map<string, BalancerView>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: WatcherOptions) {
    this.now = options.now ?? Date.now;
    options.runtime.onChange = () => this.check();
  }

  /** One comparison of every outbound balancer (idempotent: no change, no event). */
  check(): void {
    const now = this.now();
    const seen = new Set<string>();
    for (const [name, balancer] of this.options.runtime.balancers) {
      if (!isOutbound(name)) continue;
      seen.add(name);
      const view = viewOf(balancer, now);
      if (this.options.recorder.calls(name)) {
        for (const e of diffViews(name, this.views.get(name), view)) this.options.recorder.emit({ ...e, atMs: now });
      }
      this.views.set(name, view);
    }
    for (const name of [...this.views.keys()]) if (!seen.has(name)) this.views.delete(name);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.check();
      this.options.recorder.tick();
    }, this.options.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
