/**
 * A custom resource's status in the kstatus convention that Flux reads and Argo CD can be taught
 * (docs/production.md): `observedGeneration` and the conditions `Ready`, `Reconciling` and `Stalled`. Pure.
 *
 * - A CR the management plane refused (invalid, its parent missing, a duplicate): `Stalled`, not ready.
 * - Kinds the federation controller reports on (WorkspaceSetting, Cluster, FailoverDrill): ready when every cluster
 *   reported READY; reconciling while it has not reported (ACCEPTED) or some clusters lag (PARTIAL); stalled when
 *   it FAILED somewhere, with its message.
 * - Other kinds are configuration only, so stored is ready; the message still says how their children fare.
 */
import { canonicalJson } from '../../api/canonical-json.js';
import type { ObjectStatus } from '../service/status-aggregate.js';

/** One condition. */
export interface Condition {
  type: 'Ready' | 'Reconciling' | 'Stalled';
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

/** The status block of a CR. */
export interface CrStatus {
  observedGeneration: number;
  conditions: Condition[];
}

const REPORTED_KINDS = new Set(['WorkspaceSetting', 'Cluster', 'FailoverDrill']);
/** Conditions say at most this much (a status is read in `kubectl describe`). */
const MAX_MESSAGE = 1024;

type Verdict = { ready: boolean; reconciling: boolean; stalled: boolean; reason: string; message: string };

function verdictOf(kind: string, status: ObjectStatus | undefined, refused: string | undefined): Verdict {
  if (refused !== undefined) {
    return { ready: false, reconciling: false, stalled: true, reason: 'Refused', message: refused };
  }
  if (status === undefined) {
    return { ready: false, reconciling: true, stalled: false, reason: 'Syncing', message: 'not in the store yet' };
  }
  const message = status.message;
  if (!REPORTED_KINDS.has(kind)) return { ready: true, reconciling: false, stalled: false, reason: 'Stored', message };
  switch (status.state) {
    case 'READY':
      return { ready: true, reconciling: false, stalled: false, reason: 'Ready', message };
    case 'FAILED':
      return { ready: false, reconciling: false, stalled: true, reason: 'Failed', message };
    case 'PARTIAL':
      return { ready: false, reconciling: true, stalled: false, reason: 'Partial', message };
    case 'ACCEPTED':
      return { ready: false, reconciling: true, stalled: false, reason: 'Accepted', message };
  }
}

/**
 * The status a CR of `generation` should carry. `previous` keeps a condition's `lastTransitionTime` while its
 * status does not change, so rewriting an unchanged status is a no-op (see {@link sameStatus}).
 */
export function crStatus(input: {
  kind: string;
  generation: number;
  status: ObjectStatus | undefined;
  refused?: string;
  previous?: Partial<CrStatus> | undefined;
  now: string;
}): CrStatus {
  const v = verdictOf(input.kind, input.status, input.refused);
  const message = v.message.slice(0, MAX_MESSAGE);
  const make = (type: Condition['type'], on: boolean, reason: string): Condition => {
    const status = on ? 'True' : 'False';
    const before = input.previous?.conditions?.find((c) => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      observedGeneration: input.generation,
      lastTransitionTime: before?.status === status ? before.lastTransitionTime : input.now,
    };
  };
  return {
    observedGeneration: input.generation,
    conditions: [
      make('Ready', v.ready, v.reason),
      make('Reconciling', v.reconciling, v.reconciling ? v.reason : 'Settled'),
      make('Stalled', v.stalled, v.stalled ? v.reason : 'Healthy'),
    ],
  };
}

/**
 * Whether two statuses say the same (times included): the sync writes a status only when it changes. Key order
 * does not count: a real API server returns a custom resource's fields sorted.
 */
export function sameStatus(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}
