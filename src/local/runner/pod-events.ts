/**
 * The Events the pod runner records, as the kubelet words them: a container's state change becomes Pulled, Created
 * and Started (it runs), BackOff (it crashed and waits to restart), Failed (it cannot start); a failed readiness
 * probe is Unhealthy; a container being stopped is Killing. Pure: the runner records what these return.
 */
import type { ProbeSpec } from './probe.js';
import type { ContainerState } from './container-process.js';

/** An Event without its subject and reporter (the runner adds the pod, the container and `kubelet`). */
export interface ContainerEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

const kindOf = (s: ContainerState | undefined): string =>
  !s ? 'none' : 'running' in s ? 'running' : 'terminated' in s ? 'terminated' : `waiting:${s.waiting.reason}`;

/** Options of `containerEvents`. */
export interface ContainerChange {
  readonly container: string;
  readonly image: string;
  /** `<name>_<namespace>(<uid>)`, as the kubelet names a pod in messages. */
  readonly pod: string;
  readonly previous: ContainerState | undefined;
  readonly next: ContainerState;
}

/** Pure: the events of one container state change (none when the state kind did not change). */
export function containerEvents(change: ContainerChange): ContainerEvent[] {
  const { container, next } = change;
  if (kindOf(change.previous) === kindOf(next)) return [];
  if ('running' in next) {
    return [
      {
        type: 'Normal',
        reason: 'Pulled',
        message: `Container image "${change.image}" already present on machine`,
      },
      { type: 'Normal', reason: 'Created', message: `Created container: ${container}` },
      { type: 'Normal', reason: 'Started', message: `Started container ${container}` },
    ];
  }
  if ('waiting' in next) {
    const { reason, message } = next.waiting;
    if (reason === 'CrashLoopBackOff') {
      return [
        {
          type: 'Warning',
          reason: 'BackOff',
          message: `Back-off restarting failed container ${container} in pod ${change.pod}`,
        },
      ];
    }
    if (reason === 'ContainerCreating' || reason === 'Unknown') return [];
    return [{ type: 'Warning', reason: 'Failed', message: `Error: ${reason}${message ? `: ${message}` : ''}` }];
  }
  return [];
}

/** Pure: the Unhealthy event of a failed readiness probe. */
export function probeFailedEvent(probe: ProbeSpec, host: string): ContainerEvent {
  const what =
    probe.type === 'http'
      ? `Get "http://${host}:${probe.port}${probe.path}": no 2xx/3xx answer (refused, error or ${probe.timeoutMs} ms timeout)`
      : `dial tcp ${host}:${probe.port}: no connection (refused or ${probe.timeoutMs} ms timeout)`;
  return { type: 'Warning', reason: 'Unhealthy', message: `Readiness probe failed: ${what}` };
}

/** The Killing event of a container being stopped. */
export function killingEvent(container: string): ContainerEvent {
  return { type: 'Normal', reason: 'Killing', message: `Stopping container ${container}` };
}
