/**
 * Pure: a pod's Kubernetes status from what the runner knows about its containers — phase, the PodScheduled /
 * Initialized / ContainersReady / Ready conditions (transition times kept when nothing changed), pod IP, and
 * containerStatuses with restart counts and waiting reasons such as ErrImagePull.
 */
import type { ContainerState } from './container-process.js';

/** What the runner knows about one container. */
export interface ContainerView {
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly lastState?: ContainerState;
  readonly restartCount: number;
  readonly ready: boolean;
}

/** Inputs of a pod status. */
export interface PodStatusInput {
  readonly podIP: string;
  readonly hostIP: string;
  readonly startTime: string;
  readonly containers: readonly ContainerView[];
  /** The previous status (for condition transition times). */
  readonly previous?: Record<string, unknown>;
  readonly now: string;
}

type Condition = { type: string; status: 'True' | 'False'; lastTransitionTime: string; lastProbeTime: null };

/** Builds `status` for a pod. */
export function podStatus(input: PodStatusInput): Record<string, unknown> {
  const { containers } = input;
  const allRunning = containers.length > 0 && containers.every((c) => 'running' in c.state);
  const allReady = allRunning && containers.every((c) => c.ready);
  const anyStarted = containers.some((c) => 'running' in c.state || c.restartCount > 0);
  const phase = anyStarted ? 'Running' : 'Pending';
  const previous = Array.isArray(input.previous?.conditions) ? (input.previous.conditions as Condition[]) : [];
  const condition = (type: string, ok: boolean): Condition => {
    const status = ok ? 'True' : 'False';
    const before = previous.find((c) => c.type === type);
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: before && before.status === status ? before.lastTransitionTime : input.now,
    };
  };
  return {
    phase,
    conditions: [
      condition('PodScheduled', true),
      condition('Initialized', true),
      condition('ContainersReady', allReady),
      condition('Ready', allReady),
    ],
    hostIP: input.hostIP,
    podIP: input.podIP,
    podIPs: [{ ip: input.podIP }],
    startTime: input.startTime,
    qosClass: 'BestEffort',
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: c.ready,
      started: 'running' in c.state,
      restartCount: c.restartCount,
      state: c.state,
      ...(c.lastState ? { lastState: c.lastState } : { lastState: {} }),
    })),
  };
}
