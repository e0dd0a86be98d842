/**
 * Runs the cluster's controllers: one synchronous pass over node, gateways, load balancers, deployments, replica
 * sets, garbage collection, endpoints, endpoint slices, expired failover drills and ServiceAccount token Secrets,
 * triggered (coalesced) by store changes and by a periodic
 * resync. A pass never awaits, so it sees one consistent state; each controller writes only what changed, so passes
 * converge (the Events they record are written only when they act).
 */
import type { ClusterInfo } from '../config.js';
import type { ClusterStore } from '../store/cluster-store.js';
import { reconcileDeployments } from './deployments.js';
import { reconcileDrills } from './drills.js';
import { reconcileEndpointSlices } from './endpoint-slices.js';
import { reconcileEndpoints } from './endpoints.js';
import { collectGarbage } from './gc.js';
import { reconcileGateways, reconcileLoadBalancers } from './gateways.js';
import { reconcileNode } from './node.js';
import { reconcileReplicaSets } from './replica-sets.js';
import { reconcileTokenSecrets, type TokenControllerOptions } from './token-secrets.js';
import { eventRecorder, type EventSink } from '../events/recorder.js';

/** Options of the controller manager. */
export interface ControllerOptions {
  readonly store: ClusterStore;
  readonly info: ClusterInfo;
  /** Milliseconds between full resyncs (default 2000). */
  readonly resyncMs?: number;
  /** Where controllers record Events (default: the cluster's store). */
  readonly events?: EventSink;
  /** Fills `kubernetes.io/service-account-token` Secrets (token-secrets.ts); without it they stay empty. */
  readonly tokenSecrets?: TokenControllerOptions;
  /** Called with a pass's error (the next pass retries). */
  readonly onError?: (err: unknown) => void;
}

/** Running controllers. */
export interface Controllers {
  /** Runs a pass now (tests and startup). */
  runOnce(): void;
  stop(): void;
}

/** Starts the controllers. */
export function startControllers(options: ControllerOptions): Controllers {
  const { store, info } = options;
  const events = options.events ?? eventRecorder({ store });
  let scheduled: NodeJS.Immediate | undefined;
  let stopped = false;
  const runOnce = (): void => {
    try {
      const node = reconcileNode(store, info);
      reconcileGateways(store);
      reconcileLoadBalancers(store, info);
      reconcileDeployments(store, events);
      reconcileReplicaSets(store, node, events);
      collectGarbage(store);
      reconcileEndpoints(store);
      reconcileEndpointSlices(store);
      reconcileDrills(store, events);
      if (options.tokenSecrets) reconcileTokenSecrets(store, options.tokenSecrets);
    } catch (err) {
      (options.onError ?? ((e) => process.stderr.write(`controllers: ${String(e)}\n`)))(err);
    }
  };
  const schedule = (): void => {
    if (stopped || scheduled) return;
    scheduled = setImmediate(() => {
      scheduled = undefined;
      runOnce();
    });
  };
  // Events are written by the controllers and the pod runner and read by none of them: they trigger no pass.
  const unsubscribe = store.subscribe((change) => {
    if (change.resource.group === '' && change.resource.plural === 'events') return;
    schedule();
  });
  const timer = setInterval(schedule, options.resyncMs ?? 2000);
  timer.unref();
  runOnce();
  return {
    runOnce,
    stop: () => {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      if (scheduled) clearImmediate(scheduled);
    },
  };
}
