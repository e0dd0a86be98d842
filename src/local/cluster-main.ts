/**
 * Entry of one embedded cluster process: `node dist/local/cluster-main.js <cluster state dir>`. Reads
 * `cluster.json` (written by `local up`), starts the cluster (reusing the previous API port when free), then
 * writes `cluster.json` again with the API URL and `ready.json` with its pid, which `local up` waits for.
 * SIGTERM/SIGINT stop pods and exit.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadOrCreateApiToken } from './api-token.js';
import { startCluster } from './cluster.js';
import { embeddedMesh } from './embedded-mesh.js';
import { clusterPaths, homePaths, imageMapFromEnv, podBaseEnv, type ClusterInfo } from './config.js';
import { loadOrCreateRootCA } from '../identity/index.js';
import { issueServingCertificate } from './server/tls.js';
import { builtInResolver, mapResolver } from './runner/images.js';
import { OWNER_ONLY_UMASK } from './lifecycle/permissions.js';

// Everything this process and its pods write under the home is owner-only (lifecycle/permissions.ts).
process.umask(OWNER_ONLY_UMASK);
const dir = resolve(process.argv[2] ?? '.');
const paths = clusterPaths(dir);
const info = JSON.parse(readFileSync(paths.info, 'utf8')) as ClusterInfo;
const previousPort = info.apiUrl ? Number(new URL(info.apiUrl).port) : 0;

const home = dirname(dirname(dir));
const apiCa = await loadOrCreateRootCA(homePaths(home).apiCa, { commonName: 'meshbridge local API CA' });
const cluster = await startCluster({
  info,
  dir,
  home,
  tls: await issueServingCertificate(apiCa, '127.0.0.1'),
  apiCaPem: apiCa.certPem,
  port: previousPort,
  token: loadOrCreateApiToken(paths.token),
  resolveImage: mapResolver(imageMapFromEnv(), await builtInResolver()),
  baseEnv: podBaseEnv(),
  mesh: embeddedMesh(),
  // The L4 load balancer is a process of its own (lb-main.ts): it outlives a crash of this one.
  loadBalancer: 'external',
});
writeFileSync(paths.info, `${JSON.stringify(cluster.info, null, 2)}\n`);
writeFileSync(paths.ready, JSON.stringify({ pid: process.pid, apiUrl: cluster.info.apiUrl }));
process.stdout.write(`cluster ${info.name} ready at ${cluster.info.apiUrl ?? ''}\n`);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  rmSync(paths.ready, { force: true });
  cluster
    .stop(2000)
    .catch((err: unknown) => process.stderr.write(`stop failed: ${String(err)}\n`))
    .finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
