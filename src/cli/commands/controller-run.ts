/**
 * How `meshbridge controller` runs: the federation controller, optionally behind leader election on a Lease in the
 * management cluster (`--leader-elect`), with the health and metrics listener beside it. Until SIGINT/SIGTERM.
 */
import { hostname } from 'node:os';
import {
  LeaderElector,
  startFederation,
  startHealthServer,
  type FederationController,
  type FederationOptions,
  type HealthServer,
} from '../../federation/index.js';
import { createClusterClient, inClusterKubeConfig, loadKubeConfig } from '../../kube/client.js';

/** Where the election's Lease lives. */
export interface ElectionFlags {
  /** Kubeconfig of the management cluster; default: the pod's own service account. */
  kubeconfig?: string;
  namespace?: string;
  name: string;
}

/** Runs until a signal; returns once everything it started has stopped. */
export async function runController(o: {
  federation: FederationOptions;
  health?: { host: string; port: number };
  election?: ElectionFlags;
}): Promise<void> {
  const { log } = o.federation;
  const health: HealthServer | undefined = o.health
    ? await startHealthServer({ ...o.health, standby: o.election !== undefined })
    : undefined;
  if (health) log(`health and metrics on ${health.url} (/healthz, /readyz, /metrics)`);
  let controller: FederationController | undefined;
  const start = async (): Promise<void> => {
    controller = await startFederation(o.federation);
    health?.follow(controller);
    log(`federation controller running (management plane ${o.federation.url})`);
  };
  let elector: LeaderElector | undefined;
  let stopping = false;
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  if (o.election) {
    elector = electorFor(o.election, log);
    elector.on('started-leading', () => void start().catch((err: Error) => fatal(`could not start: ${err.message}`)));
    // Lost, not released: another replica may be writing already. Exit, and let the pod restart as a candidate.
    elector.on('stopped-leading', () => {
      if (!stopping) fatal('lost the leader lease; exiting so that only the new leader writes');
    });
    elector.start();
    log(`campaigning for lease ${o.election.namespace ?? '(pod namespace)'}/${o.election.name}`);
  } else {
    await start();
  }
  await signalled;
  stopping = true;
  await controller?.stop();
  await elector?.stop();
  await health?.close();
}

function electorFor(flags: ElectionFlags, log: (line: string) => void): LeaderElector {
  const cluster = flags.kubeconfig
    ? { kubeConfig: loadKubeConfig({ path: flags.kubeconfig }), namespace: undefined }
    : inClusterKubeConfig();
  const namespace = flags.namespace ?? cluster.namespace;
  if (!namespace) throw new Error('--leader-elect-namespace is needed outside a pod');
  return new LeaderElector({
    client: createClusterClient({ name: 'management', kubeConfig: cluster.kubeConfig }),
    namespace,
    name: flags.name,
    // A container's HOSTNAME is its pod's name (runtimes set it; local clusters too), which names the leader's pod.
    identity: `${process.env.HOSTNAME || hostname()}_${process.pid}`,
    log,
  });
}

function fatal(message: string): never {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
  process.exit(1);
}
