/**
 * The controller's Prometheus metrics, named by the Prometheus conventions, fed by its `reconciled` and
 * `reconcile-error` events (so the controller itself stays free of metrics code):
 * - `meshbridge_reconcile_duration_seconds{result}` (histogram; `ok` or `error`)
 * - `meshbridge_objects_written_total{cluster,operation}` (`create`, `update`, `delete`, `failed`)
 * - `meshbridge_cluster_synced{cluster}` (1 when the cluster's API was listed for the last pass, else 0)
 */
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { FederationController, ReconcileResult } from './controller.js';

/** Registers the metrics on `registry` and follows `controller`; returns a function that stops following. */
export function recordControllerMetrics(controller: FederationController, registry: Registry): () => void {
  const duration = new Histogram({
    name: 'meshbridge_reconcile_duration_seconds',
    help: 'Time of one reconcile pass: ingest, plan, apply, status.',
    labelNames: ['result'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const written = new Counter({
    name: 'meshbridge_objects_written_total',
    help: "Generated objects written to workload clusters, by operation (failed: the API refused the write; refused: invalid against Istio's CRD schema, not sent).",
    labelNames: ['cluster', 'operation'],
    registers: [registry],
  });
  const synced = new Gauge({
    name: 'meshbridge_cluster_synced',
    help: "1 when the cluster's API was listed for the last reconcile, 0 when its objects were left alone.",
    labelNames: ['cluster'],
    registers: [registry],
  });
  const onReconciled = (r: ReconcileResult, seconds: number): void => {
    duration.observe({ result: 'ok' }, seconds);
    for (const [cluster, a] of Object.entries(r.applied)) {
      written.inc({ cluster, operation: 'create' }, a.created);
      written.inc({ cluster, operation: 'update' }, a.updated);
      written.inc({ cluster, operation: 'delete' }, a.deleted);
      written.inc({ cluster, operation: 'failed' }, a.failed.length);
      written.inc({ cluster, operation: 'refused' }, a.refused.length);
    }
    synced.reset();
    for (const cluster of Object.keys(r.applied)) synced.set({ cluster }, 1);
    for (const cluster of r.unsynced) synced.set({ cluster }, 0);
  };
  const onError = (_err: unknown, seconds: number): void => duration.observe({ result: 'error' }, seconds);
  controller.on('reconciled', onReconciled);
  controller.on('reconcile-error', onError);
  return () => {
    controller.off('reconciled', onReconciled);
    controller.off('reconcile-error', onError);
  };
}
