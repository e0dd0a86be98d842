/**
 * The federation's composition root: the controller wired to a management plane (config in, status out) and to the
 * clusters through their kubeconfigs. `meshbridge controller` (production) and the local control process (`local
 * up`) both start it here, so the two run the same controller the same way.
 */
import { HttpConfigSource } from './config-source.js';
import { kubeconfigConnector } from './connect.js';
import { FederationController } from './controller.js';
import { HttpStatusSink } from './status.js';
import { HttpDrillRunSink } from './drill-runner.js';
import { HttpConvergenceSink } from './convergence-forwarder.js';

/** Options of `startFederation`. */
export interface FederationOptions {
  /** The management plane's base URL. */
  url: string;
  /** Bearer token for the management plane. */
  token: string;
  /** A fetch that trusts the management plane's CA. */
  fetch: typeof globalThis.fetch;
  /** Kubeconfig for clusters whose Cluster object names none (context = cluster name). */
  kubeconfig?: string;
  /** Quiet time before re-planning after a change. */
  debounceMs: number;
  log: (line: string) => void;
}

/** Starts the controller; resolves once it runs (the first snapshot is being read). Stop it with `stop()`. */
export async function startFederation(o: FederationOptions): Promise<FederationController> {
  const { url, token, fetch, log } = o;
  const controller = new FederationController({
    config: new HttpConfigSource({ url, token, fetch, onError: (e) => log(`management plane: ${e.message}`) }),
    connect: kubeconfigConnector(o.kubeconfig),
    status: new HttpStatusSink({ url, token, fetch, onError: (e) => log(`status: ${e.message}`) }),
    drillRuns: new HttpDrillRunSink({ url, token, fetch, onError: (e) => log(`drill runs: ${e.message}`) }),
    convergence: new HttpConvergenceSink({ url, token, fetch, onError: (e) => log(`convergence: ${e.message}`) }),
    debounceMs: o.debounceMs,
    log,
  });
  await controller.start();
  return controller;
}
