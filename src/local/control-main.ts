/**
 * Entry of the shared process `local up` starts beside the clusters: `node dist/local/control-main.js <home>
 * <organization>`. It runs the management plane (REST API, store under `<home>`, web UI) and the federation
 * controller, and registers every local cluster as a `Cluster` of the organization so the controller watches it —
 * the same controller code path as production, over the same Kubernetes API client. Writes `control/ready.json`.
 *
 * The management plane's store is SQLite under `<home>` unless `MESHBRIDGE_STORE` (`sqlite:PATH` or
 * `postgres://...`) names another. It is read from the environment, like the address block: `local up` passes its
 * environment to the supervisor, so a restarted control process opens the same store. `MESHBRIDGE_GITOPS` likewise
 * (./gitops.ts).
 */
import { readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startMgmt } from '../mgmt/start.js';
import { mgmtFetch } from '../mgmt/tls/client-fetch.js';
import { localServingTls } from '../mgmt/tls/local-cert.js';
import { startFederation } from '../federation/index.js';
import { clusterPaths, federationEnabled, gitopsTarget, homePaths, type ClusterInfo } from './config.js';
import { controlPaths } from './lifecycle/control.js';
import { gitopsClient, installGitOpsCrds } from './gitops.js';
import { OWNER_ONLY_UMASK } from './lifecycle/permissions.js';

// Everything this process and its pods write under the home is owner-only (lifecycle/permissions.ts).
process.umask(OWNER_ONLY_UMASK);
const home = resolve(process.argv[2] ?? '.meshbridge');
const organization = process.argv[3] ?? 'tetrate';
const paths = controlPaths(home);
const log = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`);

function previousPort(): number {
  try {
    return Number(new URL((JSON.parse(readFileSync(join(home, 'mgmt.json'), 'utf8')) as { url: string }).url).port);
  } catch {
    return 0;
  }
}

/** The `Cluster` objects of the local clusters: network, locality and trust domain as `local up` chose them. */
function clusterObjects(): unknown[] {
  const dir = homePaths(home).clusters;
  return readdirSync(dir).flatMap((name) => {
    try {
      const info = JSON.parse(readFileSync(clusterPaths(join(dir, name)).info, 'utf8')) as ClusterInfo;
      return [
        {
          apiVersion: 'api.tsb.tetrate.io/v2',
          kind: 'Cluster',
          metadata: { organization, name: info.name },
          spec: {
            network: info.network,
            locality: { region: info.region, zone: info.zone },
            trustDomain: info.trustDomain,
            kubeconfig: { path: homePaths(home).kubeconfig, context: info.name },
          },
        },
      ];
    } catch {
      return [];
    }
  });
}

// HTTPS with a certificate from the home's CA for the address it listens on; clients trust that CA (mgmt.json).
const { tls, caFile } = await localServingTls(home, '127.0.0.1');
const fetch = mgmtFetch(readFileSync(caFile, 'utf8'));
const store = process.env.MESHBRIDGE_STORE?.trim() || undefined;
// GitOps (MESHBRIDGE_GITOPS=CLUSTER/NAMESPACE): CRs in that local cluster are synced with the store.
const gitopsAt = gitopsTarget();
const gitops = gitopsAt && {
  client: gitopsClient(homePaths(home).kubeconfig, gitopsAt),
  namespace: gitopsAt.namespace,
};
if (gitops) void installGitOpsCrds(gitops.client, gitops.namespace, log);
const listen = (port: number) =>
  startMgmt({
    listen: `127.0.0.1:${port}`,
    home,
    tls,
    caFile,
    ...(store ? { store } : {}),
    ...(gitops ? { gitops } : {}),
  });
const mgmt = await listen(previousPort()).catch(() => listen(0));
const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
const federate = federationEnabled();
const register = !federate
  ? undefined
  : await fetch(`${mgmt.url}/v2/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        objects: [
          { apiVersion: 'api.tsb.tetrate.io/v2', kind: 'Organization', metadata: { name: organization } },
          ...clusterObjects(),
        ],
      }),
    });
if (register && !register.ok)
  log(`registering the local clusters failed: HTTP ${register.status} ${await register.text()}`);

// MESHBRIDGE_FEDERATION=off: a controller installed in one of the clusters federates them instead.
const controller = !federate
  ? undefined
  : await startFederation({
      url: mgmt.url,
      token,
      fetch,
      kubeconfig: homePaths(home).kubeconfig,
      debounceMs: 50,
      log,
    });
// The store, redacted (no password), tells which store this process opened (the chaos suite checks it).
writeFileSync(paths.ready, JSON.stringify({ pid: process.pid, url: mgmt.url, store: mgmt.storeUrl }));
log(
  `management plane ${mgmt.url} (store ${mgmt.storeUrl}); ${federate ? `federation controller running for organization ${organization}` : 'federation off (MESHBRIDGE_FEDERATION)'}`,
);

let stopping = false;
const shutdown = (): void => {
  if (stopping) return;
  stopping = true;
  rmSync(paths.ready, { force: true });
  void (controller?.stop() ?? Promise.resolve())
    .then(() => mgmt.close())
    .catch((err: unknown) => log(`stop failed: ${String(err)}`))
    .finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
