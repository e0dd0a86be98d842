/**
 * Where embedded clusters keep their state and how their addresses are chosen. The only module of src/local that
 * reads the environment: `MESHBRIDGE_HOME` (default `./.meshbridge`), `MESHBRIDGE_IP_BLOCK_BASE` (default 0;
 * cluster k uses loopback block `127.<base+k>.*`, so parallel test suites can pick disjoint blocks) and
 * `MESHBRIDGE_GITOPS` (a local cluster playing the management cluster, ./gitops.ts).
 */
import { resolve, join } from 'node:path';

/** Facts about one cluster, written to `clusters/<name>/cluster.json` (contract B). */
export interface ClusterInfo {
  readonly name: string;
  /** 1-based position in `--clusters`. */
  readonly index: number;
  /** Second octet of this cluster's loopback addresses (`127.<block>.x.y`). */
  readonly block: number;
  readonly region: string;
  readonly zone: string;
  readonly network: string;
  readonly trustDomain: string;
  /** `http://127.0.0.1:<port>` once the API server listens. */
  readonly apiUrl?: string;
  /** `host:port` of the cluster's ADS server when a mesh control plane runs. */
  readonly xdsAddress?: string;
}

/** A requested cluster: `cluster-1=eu-west-2/eu-west-2a`. */
export interface ClusterSpec {
  readonly name: string;
  readonly region: string;
  readonly zone: string;
}

/** The default clusters of `local up`. */
export const DEFAULT_CLUSTERS = 'cluster-1=eu-west-2/eu-west-2a,cluster-2=eu-west-1/eu-west-1a';

/** Parses `--clusters`; throws with a message naming the bad entry. */
export function parseClusterSpecs(text: string): ClusterSpec[] {
  const specs = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=([^/\s]+)\/([^/\s]+)$/.exec(entry);
      if (!m)
        throw new Error(`invalid cluster "${entry}": expected NAME=REGION/ZONE, e.g. cluster-1=eu-west-2/eu-west-2a`);
      return { name: m[1] as string, region: m[3] as string, zone: m[4] as string };
    });
  if (specs.length === 0) throw new Error('no clusters given');
  const names = new Set(specs.map((s) => s.name));
  if (names.size !== specs.length) throw new Error('cluster names must be unique');
  return specs;
}

/** `$MESHBRIDGE_HOME`, absolute. */
export function meshbridgeHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.MESHBRIDGE_HOME || '.meshbridge');
}

/** The second octet for cluster index k. */
export function blockFor(index: number, env: NodeJS.ProcessEnv = process.env): number {
  const base = Number(env.MESHBRIDGE_IP_BLOCK_BASE ?? 0);
  const block = (Number.isInteger(base) ? base : 0) + index;
  if (block < 1 || block > 254)
    throw new Error(`loopback block ${block} out of range (MESHBRIDGE_IP_BLOCK_BASE too large?)`);
  return block;
}

/** The cluster info for a spec at a position, with contract B's defaults. */
export function clusterInfoFor(spec: ClusterSpec, index: number, env: NodeJS.ProcessEnv = process.env): ClusterInfo {
  return {
    name: spec.name,
    index,
    block: blockFor(index, env),
    region: spec.region,
    zone: spec.zone,
    network: `${spec.name}-network`,
    trustDomain: `${spec.name}.local`,
  };
}

/** Paths under `$MESHBRIDGE_HOME`. */
export const homePaths = (home: string) => ({
  kubeconfig: join(home, 'kubeconfig'),
  clusters: join(home, 'clusters'),
  ca: join(home, 'ca'),
  /** The CA of the clusters' API serving certificates (server/tls.ts), named in the kubeconfig. */
  apiCa: join(home, 'api-ca'),
  pids: join(home, 'pids'),
  cluster: (name: string) => clusterPaths(join(home, 'clusters', name)),
});

/** Paths inside one cluster's state directory. */
export const clusterPaths = (dir: string) => ({
  dir,
  store: join(dir, 'store.db'),
  info: join(dir, 'cluster.json'),
  ready: join(dir, 'ready.json'),
  pid: join(dir, 'cluster.pid'),
  /** The API's bearer token (api-token.ts). */
  token: join(dir, 'api-token'),
  /** The key ServiceAccount tokens are signed with (server/service-account-tokens.ts). */
  serviceAccountKey: join(dir, 'service-account-key'),
  log: join(dir, 'cluster.log'),
  /** The cluster's L4 load balancer process (lb-main.ts): pid, log and the file it writes once serving. */
  lbPid: join(dir, 'lb.pid'),
  lbLog: join(dir, 'lb.log'),
  lbReady: join(dir, 'lb-ready.json'),
  pods: join(dir, 'pods'),
  podPids: join(dir, 'pod-pids.json'),
  /** Persistent volume claims, a directory each (runner/volumes.ts). */
  claims: join(dir, 'claims'),
  /** The Service names pods of the meshbridge image resolve (runner/cluster-dns.ts). */
  clusterDns: join(dir, 'cluster-dns.json'),
});

/** One entry of an injected image map: the compiled JS file to run, and whether it is an app or a sleep pod. */
export interface ImageMapEntry {
  readonly entry: string;
  readonly kind: 'app' | 'sleep' | 'meshbridge';
}

/**
 * `MESHBRIDGE_IMAGE_MAP`: JSON object from image reference (exact, without tag, or `*`) to an entry file or
 * `{entry, kind}`. It takes precedence over the built-in images; tests use it to run their own small apps.
 */
export function imageMapFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, ImageMapEntry> {
  const text = env.MESHBRIDGE_IMAGE_MAP;
  if (!text) return {};
  const parsed = JSON.parse(text) as Record<string, string | { entry: string; kind?: 'app' | 'sleep' }>;
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [
      k,
      typeof v === 'string' ? { entry: v, kind: 'app' as const } : { entry: v.entry, kind: v.kind ?? 'app' },
    ]),
  );
}

/**
 * The part of the cluster process's environment pod processes inherit (so `exec` finds curl and friends), and
 * `MESHBRIDGE_ORPHAN_EXIT_MS` (how long a pod waits for its lost cluster process, runner/pod-watchdog.ts).
 */
export function podBaseEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ', 'MESHBRIDGE_ORPHAN_EXIT_MS'];
  return Object.fromEntries(keep.filter((k) => env[k] !== undefined).map((k) => [k, env[k] as string]));
}

/** Where the CRs live: a local cluster and a namespace. */
export interface GitOpsTarget {
  readonly cluster: string;
  readonly namespace: string;
}

const GITOPS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Reads `MESHBRIDGE_GITOPS` (`CLUSTER/NAMESPACE`); undefined when unset; throws naming the variable when malformed. */
export function gitopsTarget(env: NodeJS.ProcessEnv = process.env): GitOpsTarget | undefined {
  const text = env.MESHBRIDGE_GITOPS?.trim();
  if (!text) return undefined;
  const [cluster = '', namespace = '', ...rest] = text.split('/');
  if (rest.length > 0 || !GITOPS_LABEL.test(cluster) || !GITOPS_LABEL.test(namespace)) {
    throw new Error(`MESHBRIDGE_GITOPS must be CLUSTER/NAMESPACE, e.g. cluster-1/meshbridge-config, got ${text}`);
  }
  return { cluster, namespace };
}

/**
 * Reads `MESHBRIDGE_FEDERATION`: `off` leaves the local clusters to a controller installed elsewhere (the
 * production install running in a local cluster, test/e2e/install-local.test.ts): the control process then
 * neither registers the clusters nor runs its own federation controller. Unset or `on`: it does both.
 */
export function federationEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const text = env.MESHBRIDGE_FEDERATION?.trim().toLowerCase();
  if (!text || text === 'on') return true;
  if (text === 'off') return false;
  throw new Error(`MESHBRIDGE_FEDERATION must be on or off, got ${env.MESHBRIDGE_FEDERATION}`);
}
