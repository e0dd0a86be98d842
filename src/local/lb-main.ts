/**
 * Entry of a cluster's L4 load balancer process: `node dist/local/lb-main.js <cluster state dir>`. It watches the
 * cluster's API (Services, Endpoints) with the cluster's token and serves every LoadBalancer Service's ingress
 * addresses (network/). It is a process of its own, as kube-proxy is beside the API server: when the cluster
 * process crashes, connections to the gateways keep being forwarded to the pods, which survive it too, while the
 * supervisor restarts the cluster process. Writes `lb-ready.json` with its pid once started; SIGTERM/SIGINT close
 * its listeners and exit.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CA_FILES } from '../identity/index.js';
import { readApiToken } from './api-token.js';
import { clusterPaths, homePaths, type ClusterInfo } from './config.js';
import { OWNER_ONLY_UMASK } from './lifecycle/permissions.js';
import { apiSource, type ApiTarget } from './network/lb-sources.js';
import { startLoadBalancer } from './network/load-balancer.js';

process.umask(OWNER_ONLY_UMASK);
const dir = resolve(process.argv[2] ?? '.');
const paths = clusterPaths(dir);
const home = dirname(dirname(dir));
const log = (msg: string, fields?: Record<string, unknown>): void => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), component: 'load-balancer', msg, ...fields })}\n`,
  );
};

/** Read at every (re)connect: a restarted cluster process may serve its API on another port. */
const target = (): ApiTarget | undefined => {
  try {
    const info = JSON.parse(readFileSync(paths.info, 'utf8')) as ClusterInfo;
    const token = readApiToken(paths.token);
    const caPem = readFileSync(join(homePaths(home).apiCa, CA_FILES.cert), 'utf8');
    if (!info.apiUrl?.startsWith('https://') || token === undefined) return undefined;
    return { name: info.name, server: info.apiUrl, caPem, token };
  } catch {
    return undefined;
  }
};

const source = apiSource({ target, log });
await source.start();
const lb = await startLoadBalancer({ source, log });
writeFileSync(paths.lbReady, JSON.stringify({ pid: process.pid }), { mode: 0o600 });
log('load balancer started', { synced: source.synced() });

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  rmSync(paths.lbReady, { force: true });
  Promise.all([lb.stop(), source.stop()])
    .catch((err: unknown) => log('stop failed', { error: String(err) }))
    .finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// A cluster whose state directory is gone (its home removed) will not come back: nothing is left to serve.
setInterval(() => {
  if (!existsSync(dir)) {
    log('cluster state directory removed: exiting', { dir });
    shutdown();
  }
}, 5000).unref();
