/**
 * What the pod runner does for a container of the built-in meshbridge image (what `meshbridge install` deploys):
 * mount its volumes (volumes.ts), give it its service account and the cluster's API as a pod sees them
 * (`KUBERNETES_SERVICE_HOST`/`PORT`, the token and CA under the pod root), translate its command line (mounts.ts),
 * and preload the cluster resolver (cluster-dns.ts). Also: the resolver's table, and `kubectl exec` into such a pod.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENDPOINTS, SERVICES, rec, recs, type Rec } from '../controllers/refs.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { processEnvViolations } from '../pod-policy.js';
import { hostPathOf, translateMeshbridgeCommand, type MountTable } from './mounts.js';
import { materializeVolumes, planVolumes, type VolumeInputs } from './volumes.js';

/** The cluster's API as its pods reach it, and the tokens of its service accounts. */
export interface PodApi {
  readonly host: string;
  readonly port: number;
  /** PEM of the CA that signed the API's serving certificate. */
  readonly caPem: string;
  /** A token for the service account, or undefined when it does not exist. */
  token(namespace: string, serviceAccount: string): string | undefined;
}

/** What the runner needs to run meshbridge images. */
export interface MeshbridgeRuntime {
  readonly store: ClusterStore;
  readonly api: PodApi;
  /** Directory of persistent volume claims (`<namespace>_<claim>/`). */
  readonly claimsDir: string;
  /** The cluster resolver's table (writeClusterDns). */
  readonly dnsFile: string;
}

/** The resolver preloaded into meshbridge pods (compiled; pods never run a TypeScript loader). */
const CLUSTER_DNS = fileURLToPath(new URL('../../../dist/local/runner/cluster-dns.js', import.meta.url));

/** The inputs volumes.ts plans from, read from the store. */
export function volumeInputs(rt: MeshbridgeRuntime): VolumeInputs {
  const get = (plural: string) => (namespace: string, name: string) =>
    rt.store.get({ group: '', plural }, namespace, name);
  return {
    secret: get('secrets'),
    configMap: get('configmaps'),
    serviceAccount: get('serviceaccounts'),
    token: (namespace, account) => rt.api.token(namespace, account),
    caPem: rt.api.caPem,
  };
}

/**
 * The values of the container's `env` entries that come from a Secret or ConfigMap key (`valueFrom.secretKeyRef`,
 * `configMapKeyRef`: the install reads the store's URL so), or why they cannot be read yet (`wait`) or at all.
 */
export function referencedEnv(
  pod: StoredObject,
  c: Rec,
  rt: MeshbridgeRuntime,
): { env: Record<string, string> } | { wait: boolean; reason: string } {
  const namespace = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const e of recs(c.env)) {
    const from = rec(e.valueFrom);
    const secretRef = rec(from.secretKeyRef);
    const mapRef = rec(from.configMapKeyRef);
    const ref = from.secretKeyRef !== undefined ? secretRef : from.configMapKeyRef !== undefined ? mapRef : undefined;
    if (ref === undefined || typeof e.name !== 'string') continue;
    const isSecret = ref === secretRef;
    const what = `${isSecret ? 'secret' : 'configmap'} "${String(ref.name ?? '')}"`;
    const obj = rt.store.get(
      { group: '', plural: isSecret ? 'secrets' : 'configmaps' },
      namespace,
      String(ref.name ?? ''),
    );
    const key = String(ref.key ?? '');
    const raw = rec(obj?.data)[key];
    if (typeof raw !== 'string') {
      if (ref.optional === true) continue;
      return obj
        ? { wait: false, reason: `env ${e.name}: ${what} has no key ${JSON.stringify(key)}` }
        : { wait: true, reason: `env ${e.name}: ${what} not found` };
    }
    env[e.name] = isSecret ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  }
  return { env };
}

/** Why a pod's meshbridge containers cannot start yet (a Secret or account not there), or undefined. */
export function pendingVolumes(pod: StoredObject, rt: MeshbridgeRuntime, isMeshbridge: (c: Rec) => boolean) {
  for (const c of recs(rec(pod.spec).containers)) {
    if (!isMeshbridge(c)) continue;
    const plan = planVolumes(pod, c, volumeInputs(rt));
    if (!plan.ok && plan.wait) return plan.reason;
    const env = referencedEnv(pod, c, rt);
    if ('wait' in env && env.wait) return env.reason;
  }
  return undefined;
}

/** The command line the container asks for after the image's entry: `command` (less `meshbridge`) then `args`. */
function commandLine(c: Rec): string[] | { reason: string } {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const command = strings(c.command);
  if (command.length > 0 && basename(command[0] ?? '') !== 'meshbridge') {
    return { reason: `the meshbridge image's entrypoint is meshbridge, not ${JSON.stringify(command[0])}` };
  }
  return [...command.slice(1), ...strings(c.args)];
}

/** How one meshbridge container starts, or why it cannot. */
export type MeshbridgeStart =
  | { ok: true; args: string[]; env: Record<string, string>; preload: string[]; mounts: MountTable }
  | { ok: false; reason: string; message: string };

/**
 * Mounts the container's volumes under `<pod dir>/root/<container>` and builds its command line and environment.
 * Writes to disk (the volumes); everything else is pure.
 */
export function prepareMeshbridge(
  pod: StoredObject,
  c: Rec,
  podDir: string,
  ip: string,
  env: Record<string, string>,
  rt: MeshbridgeRuntime,
  /** False for a process adopted after a cluster process restart: its volumes are in place and in use. */
  mount = true,
): MeshbridgeStart {
  const name = String(c.name ?? 'main');
  const plan = planVolumes(pod, c, volumeInputs(rt));
  if (!plan.ok)
    return { ok: false, reason: plan.wait ? 'ContainerCreating' : 'CreateContainerConfigError', message: plan.reason };
  const root = join(podDir, 'root', name);
  if (mount) {
    materializeVolumes(plan.mounts, { root, claimsDir: rt.claimsDir, namespace: pod.metadata.namespace ?? 'default' });
  }
  const mounts: MountTable = { root, mountPaths: plan.mounts.map((m) => m.mountPath) };
  const line = commandLine(c);
  if (!Array.isArray(line)) return { ok: false, reason: 'CreateContainerConfigError', message: line.reason };
  const referenced = referencedEnv(pod, c, rt);
  if ('reason' in referenced) {
    const reason = referenced.wait ? 'ContainerCreating' : 'CreateContainerConfigError';
    return { ok: false, reason, message: referenced.reason };
  }
  // Values read from Secrets pass the same policy as literal ones (the runner checks the environment it builds).
  const refused = processEnvViolations(referenced.env, c.image);
  if (refused.length > 0) return { ok: false, reason: 'CreateContainerConfigError', message: refused.join('; ') };
  const translated = translateMeshbridgeCommand(line, { ...env, ...referenced.env }, mounts, ip);
  if (!translated.ok) return { ok: false, reason: 'CreateContainerConfigError', message: translated.reason };
  return {
    ok: true,
    args: translated.args,
    env: {
      ...translated.env,
      KUBERNETES_SERVICE_HOST: rt.api.host,
      KUBERNETES_SERVICE_PORT: String(rt.api.port),
      MESHBRIDGE_POD_ROOT: root,
      MESHBRIDGE_CLUSTER_DNS: rt.dnsFile,
    },
    preload: [CLUSTER_DNS],
    mounts,
  };
}

/**
 * `kubectl exec` into a meshbridge container runs on the host like every local exec; its arguments that name a
 * path under the container's mounts are translated, and `meshbridge` is this build's command.
 */
export function execArgv(argv: readonly string[], mounts: MountTable, cli: string): string[] {
  const out = argv.map((a) => hostPathOf(a, mounts) ?? a);
  return out[0] === 'meshbridge' ? [process.execPath, cli, ...out.slice(1)] : out;
}

/**
 * The resolver's table: `name.ns.svc.cluster.local` -> the addresses of the Service's ready endpoints, for Services
 * whose every port equals its target port (cluster-dns.ts says why). Pure.
 */
export function clusterDnsTable(services: readonly StoredObject[], endpoints: readonly StoredObject[]) {
  const table: Record<string, string[]> = {};
  for (const svc of services) {
    const namespace = svc.metadata.namespace ?? 'default';
    const ep = endpoints.find((e) => e.metadata.name === svc.metadata.name && e.metadata.namespace === namespace);
    const subsets = recs(ep?.subsets);
    const targetPorts = new Map(subsets.flatMap((s) => recs(s.ports)).map((p) => [String(p.name ?? ''), p.port]));
    const samePorts = recs(rec(svc.spec).ports).every((p) => {
      const target = targetPorts.get(String(p.name ?? ''));
      return target === undefined || target === p.port;
    });
    if (!samePorts) continue;
    const ips = subsets.flatMap((s) => recs(s.addresses)).map((a) => String(a.ip ?? ''));
    table[`${svc.metadata.name}.${namespace}.svc.cluster.local`] = ips.filter((ip) => ip !== '');
  }
  return table;
}

/** Writes the resolver's table atomically. */
export function writeClusterDns(store: ClusterStore, file: string): void {
  const table = clusterDnsTable(store.list(SERVICES), store.list(ENDPOINTS));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(table));
  renameSync(tmp, file);
}
