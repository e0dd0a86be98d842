/**
 * What the flight recorder notices in a cluster's balancer, decided by a pure comparison of two views taken at
 * different times (`diffViews`), so the rules have table tests and the proxy only has to take views when
 * something may have changed (an xDS update, an ejection, a timer for ejections that run out).
 *
 * - `ejection` / `return`: a host outlier detection ejected, or whose ejection ended (a host that EDS removed is
 *   neither: the shift says what that did to the load);
 * - `priority-shift`: the healthy load per priority level changed (e.g. [100, 0] -> [30, 70] when local hosts are
 *   ejected), or level 0 now holds entirely other hosts (when the local endpoints leave EDS, the levels are
 *   compacted and the remote ones become level 0 with the same [100]);
 * - `panic-entered` / `panic-left`: a level's panic state, per Envoy's rules (priority-math.ts).
 *
 * During a failback ramp (a FailoverPolicy's `failbackRamp`) the load moves a little at every view; a shift is then
 * recorded only when the ramp starts or ends or a level's share crosses a multiple of 25 %, so an hour-long ramp
 * records a handful of shifts, not one per view, and cannot push the episode's own events out of the ring.
 */
import type { ClusterBalancer } from '../balancer/cluster-balancer.js';
import type { EventInput } from './flight-recorder.js';

/** A balancer's state as the recorder compares it. */
export interface BalancerView {
  /** Host key -> where it sits and whether it is ejected. */
  readonly hosts: ReadonlyMap<string, { priority: number; locality: string; ejected: boolean }>;
  readonly healthyLoad: readonly number[];
  readonly panic: readonly boolean[];
  /** A host is held back or ramping up (failback hysteresis). */
  readonly ramping?: boolean;
}

/** The view of `balancer` at `now`. */
export function viewOf(balancer: ClusterBalancer, now: number): BalancerView {
  const state = balancer.priorityState(now);
  const status = balancer.status(now);
  const hosts = new Map(
    status.map((h) => [h.address, { priority: h.priority, locality: h.locality, ejected: h.ejected }] as const),
  );
  const ramping = status.some((h) => h.held || h.rampPercent < 100);
  return { hosts, healthyLoad: [...state.healthyLoad], panic: [...state.panic], ramping };
}

const level0 = (v: BalancerView): Set<string> =>
  new Set([...v.hosts].filter(([, h]) => h.priority === 0).map(([k]) => k));

const sameLoad = (a: readonly number[], b: readonly number[]): boolean => {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  return true;
};

/** Which quarter each level's share is in (0-25 %, ..., 100 %). */
const quarters = (load: readonly number[]): string => load.map((x) => Math.floor(x / 25)).join(',');

/** Whether a load change during a ramp is worth a shift: the ramp started or ended, or a share crossed a quarter. */
const rampMilestone = (before: BalancerView, after: BalancerView): boolean =>
  (before.ramping ?? false) !== (after.ramping ?? false) ||
  quarters(before.healthyLoad) !== quarters(after.healthyLoad);

/**
 * Events that turn `before` into `after` for `upstream`, in a stable order (host events by host key, then the
 * shift, then panic by level). No `before`, or one without hosts (a cluster just received, its endpoints not yet),
 * gives none: a new view is a baseline.
 */
export function diffViews(upstream: string, before: BalancerView | undefined, after: BalancerView): EventInput[] {
  // A cluster's first endpoints (its EDS arriving after its CDS) are a baseline too, not a shift.
  if (before === undefined || before.hosts.size === 0) return [];
  const out: EventInput[] = [];
  for (const key of [...after.hosts.keys()].sort()) {
    const a = after.hosts.get(key)!;
    const b = before.hosts.get(key);
    if (b === undefined || b.ejected === a.ejected) continue;
    out.push({ kind: a.ejected ? 'ejection' : 'return', upstream, priority: a.priority, locality: a.locality });
  }
  const zeroBefore = level0(before);
  const zeroAfter = level0(after);
  const replaced = zeroBefore.size > 0 && zeroAfter.size > 0 && [...zeroAfter].every((k) => !zeroBefore.has(k));
  const moved = !sameLoad(before.healthyLoad, after.healthyLoad);
  const ramping = before.ramping === true || after.ramping === true;
  if (replaced || (moved && (!ramping || rampMilestone(before, after)))) {
    out.push({ kind: 'priority-shift', upstream, loadBefore: before.healthyLoad, loadAfter: after.healthyLoad });
  }
  const levels = Math.max(before.panic.length, after.panic.length);
  for (let p = 0; p < levels; p++) {
    const was = before.panic[p] ?? false;
    const is = after.panic[p] ?? false;
    if (was !== is) out.push({ kind: is ? 'panic-entered' : 'panic-left', upstream, priority: p });
  }
  return out;
}
