/**
 * Volumes of a local pod. A local cluster runs pods as processes of the host user, with no mount namespace, so a
 * volume is materialised as a directory under the pod's own root (`<pod dir>/root/<mountPath>`) and the process is
 * told where that root is (`MESHBRIDGE_POD_ROOT`); paths the container names are translated into it (mounts.ts).
 *
 * Served: `secret` and `configMap` (with `items` and modes), `emptyDir`, `persistentVolumeClaim` (a directory per
 * claim, kept across pods: kind-rules.ts binds every claim at once), `projected` service account tokens and the
 * implicit service account volume at `/var/run/secrets/kubernetes.io/serviceaccount` (token, ca.crt, namespace)
 * unless `automountServiceAccountToken` is false. Anything else (hostPath above all: it would hand the host's files
 * to whoever may create pods) is refused with a reason the pod's status shows.
 *
 * `plan` is pure: what to write where, or why the pod must wait (a Secret not there yet, like the kubelet's
 * FailedMount) or cannot run. `materialize` writes a plan, always into fresh directories and without following
 * links a previous container may have left, so a process cannot redirect the runner's writes.
 */
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { rec, recs, type Rec } from '../controllers/refs.js';
import type { StoredObject } from '../store/types.js';

/** The implicit service account volume's mount path (Kubernetes' own). */
export const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** One file of a materialised volume. */
export interface VolumeFile {
  /** Relative path inside the volume (validated: no `..`, not absolute). */
  readonly path: string;
  readonly content: Buffer;
  readonly mode: number;
}

/** What one container mount becomes. */
export type MountSource =
  | { readonly type: 'files'; readonly files: readonly VolumeFile[] }
  | { readonly type: 'empty' }
  | { readonly type: 'claim'; readonly claim: string };

/** One mount of a container: its path in the container and what to put there. */
export interface PlannedMount {
  readonly mountPath: string;
  readonly volume: string;
  readonly readOnly: boolean;
  readonly source: MountSource;
}

/** The plan of a container's mounts, or why it has to wait, or why it cannot run at all. */
export type VolumePlan =
  | { readonly ok: true; readonly mounts: readonly PlannedMount[] }
  | { readonly ok: false; readonly wait: boolean; readonly reason: string };

/** What planning reads besides the pod (the cluster's objects, a token for the pod's service account). */
export interface VolumeInputs {
  secret(namespace: string, name: string): StoredObject | undefined;
  configMap(namespace: string, name: string): StoredObject | undefined;
  serviceAccount(namespace: string, name: string): StoredObject | undefined;
  /** A token for the service account, or undefined when none can be issued (the account does not exist). */
  token(namespace: string, serviceAccount: string): string | undefined;
  /** The PEM of the CA that signed the cluster API's serving certificate. */
  readonly caPem: string;
}

/** Kubernetes' default file mode of secret and configMap volumes (0644). */
const DEFAULT_MODE = 0o644;

/** A mount path: absolute, normalised, no `..`, not the root itself. */
export function validMountPath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.startsWith('/') &&
    path.length > 1 &&
    !path.includes('\0') &&
    posix.normalize(path) === path.replace(/\/+$/, '') &&
    !path.split('/').includes('..')
  );
}

/** A file path inside a volume (a key or an `items[].path`): relative, no `..` segment, no empty segment. */
export function validVolumeFilePath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path.length > 0 &&
    path.length <= 253 &&
    !path.startsWith('/') &&
    !path.includes('\0') &&
    path.split('/').every((s) => s !== '' && s !== '..' && s !== '.')
  );
}

function modeOf(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o777 ? value : fallback;
}

/** The files of a Secret's or ConfigMap's data, as its `items` select them. */
function dataFiles(
  what: string,
  data: Record<string, Buffer>,
  source: Rec,
): { files: VolumeFile[] } | { error: string } {
  const mode = modeOf(source.defaultMode, DEFAULT_MODE);
  const items = recs(source.items);
  if (items.length === 0) {
    return { files: Object.entries(data).map(([key, content]) => ({ path: key, content, mode })) };
  }
  const files: VolumeFile[] = [];
  for (const item of items) {
    const key = String(item.key ?? '');
    const content = data[key];
    if (content === undefined) {
      if (source.optional === true) continue;
      return { error: `${what} has no key ${JSON.stringify(key)}` };
    }
    if (!validVolumeFilePath(item.path)) return { error: `items path ${JSON.stringify(item.path)} is not relative` };
    files.push({ path: item.path, content, mode: modeOf(item.mode, mode) });
  }
  return { files };
}

function secretData(secret: StoredObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(rec(secret.data))) if (typeof v === 'string') out[k] = Buffer.from(v, 'base64');
  return out;
}

function configMapData(cm: StoredObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(rec(cm.data))) if (typeof v === 'string') out[k] = Buffer.from(v, 'utf8');
  for (const [k, v] of Object.entries(rec(cm.binaryData))) {
    if (typeof v === 'string') out[k] = Buffer.from(v, 'base64');
  }
  return out;
}

/** The service account files (token, ca.crt, namespace) of the pod, or why they cannot be made yet. */
function serviceAccountFiles(
  pod: StoredObject,
  inputs: VolumeInputs,
  mode: number,
): { files: VolumeFile[] } | { wait: string } {
  const namespace = pod.metadata.namespace ?? 'default';
  const account = String(rec(pod.spec).serviceAccountName ?? 'default');
  const token = inputs.token(namespace, account);
  if (token === undefined) return { wait: `serviceaccount "${account}" not found in namespace "${namespace}"` };
  return {
    files: [
      { path: 'token', content: Buffer.from(token), mode },
      { path: 'ca.crt', content: Buffer.from(inputs.caPem), mode },
      { path: 'namespace', content: Buffer.from(namespace), mode },
    ],
  };
}

/** Whether the pod gets the implicit service account volume (the pod's field, else its account's, else yes). */
function automounts(pod: StoredObject, inputs: VolumeInputs): boolean {
  const own = rec(pod.spec).automountServiceAccountToken;
  if (typeof own === 'boolean') return own;
  const namespace = pod.metadata.namespace ?? 'default';
  const account = inputs.serviceAccount(namespace, String(rec(pod.spec).serviceAccountName ?? 'default'));
  const fromAccount = account?.automountServiceAccountToken;
  return typeof fromAccount === 'boolean' ? fromAccount : true;
}

/** Plans one container's mounts. Pure. */
export function planVolumes(pod: StoredObject, container: Rec, inputs: VolumeInputs): VolumePlan {
  const namespace = pod.metadata.namespace ?? 'default';
  const volumes = new Map(recs(rec(pod.spec).volumes).map((v) => [String(v.name ?? ''), v]));
  const mounts: PlannedMount[] = [];
  for (const m of recs(container.volumeMounts)) {
    const name = String(m.name ?? '');
    const fail = (reason: string): VolumePlan => ({ ok: false, wait: false, reason: `volume "${name}": ${reason}` });
    if (!validMountPath(m.mountPath))
      return fail(`mountPath ${JSON.stringify(m.mountPath)} is not a clean absolute path`);
    if (m.subPath !== undefined || m.subPathExpr !== undefined)
      return fail('subPath is not supported by local clusters');
    const volume = volumes.get(name);
    if (!volume) return fail('no volume of that name in the pod spec');
    const base = { mountPath: m.mountPath, volume: name, readOnly: m.readOnly === true };
    // Secret and ConfigMap volumes differ only in where the object's name is and how its data decodes.
    const data =
      volume.secret !== undefined
        ? {
            what: 'secret',
            source: rec(volume.secret),
            nameField: 'secretName',
            get: inputs.secret,
            decode: secretData,
          }
        : volume.configMap !== undefined
          ? {
              what: 'configmap',
              source: rec(volume.configMap),
              nameField: 'name',
              get: inputs.configMap,
              decode: configMapData,
            }
          : undefined;
    if (data !== undefined) {
      const objectName = String(data.source[data.nameField] ?? '');
      const object = data.get(namespace, objectName);
      if (!object) {
        if (data.source.optional === true) {
          mounts.push({ ...base, source: { type: 'files', files: [] } });
          continue;
        }
        return { ok: false, wait: true, reason: `${data.what} "${objectName}" not found` };
      }
      const files = dataFiles(`${data.what} "${objectName}"`, data.decode(object), data.source);
      if ('error' in files) return fail(files.error);
      mounts.push({ ...base, source: { type: 'files', files: files.files } });
    } else if (volume.emptyDir !== undefined) {
      mounts.push({ ...base, source: { type: 'empty' } });
    } else if (volume.persistentVolumeClaim !== undefined) {
      const claim = String(rec(volume.persistentVolumeClaim).claimName ?? '');
      if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(claim)) return fail('claimName is not a valid name');
      mounts.push({ ...base, source: { type: 'claim', claim } });
    } else {
      return fail(`only secret, configMap, emptyDir and persistentVolumeClaim volumes run on local clusters`);
    }
  }
  if (automounts(pod, inputs) && !mounts.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT)) {
    const files = serviceAccountFiles(pod, inputs, DEFAULT_MODE);
    if ('wait' in files) return { ok: false, wait: true, reason: files.wait };
    mounts.push({
      mountPath: SERVICE_ACCOUNT_MOUNT,
      volume: 'kube-api-access',
      readOnly: true,
      source: { type: 'files', files: files.files },
    });
  }
  return { ok: true, mounts };
}

/** Where a container's mounts are materialised: its root, and the directory of persistent claims. */
export interface MaterializeTarget {
  /** `<pod dir>/root/<container>`: recreated from scratch on every start. */
  readonly root: string;
  /** `<cluster state>/claims`: `<namespace>_<claim>/` per claim, kept. */
  readonly claimsDir: string;
  readonly namespace: string;
}

/** Writes a plan under `target.root` (removed first). Throws on I/O failure. */
export function materializeVolumes(mounts: readonly PlannedMount[], target: MaterializeTarget): void {
  // rmSync never follows symbolic links: a link a process left in its root is removed, not its target.
  rmSync(target.root, { recursive: true, force: true });
  mkdirSync(target.root, { recursive: true, mode: 0o700 });
  for (const m of mounts) {
    const at = join(target.root, m.mountPath);
    mkdirSync(dirname(at), { recursive: true, mode: 0o700 });
    if (m.source.type === 'claim') {
      const dir = join(target.claimsDir, `${target.namespace}_${m.source.claim}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (lstatSync(dir).isSymbolicLink()) throw new Error(`claim directory ${dir} is a symbolic link`);
      symlinkSync(dir, at);
      continue;
    }
    mkdirSync(at, { recursive: true, mode: 0o700 });
    if (m.source.type === 'empty') continue;
    for (const f of m.source.files) {
      const file = join(at, f.path);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // `wx`: the directory is fresh, so an existing entry would mean a race with a process; never write through it.
      writeFileSync(file, f.content, { flag: 'wx', mode: f.mode });
      chmodSync(file, f.mode);
    }
  }
}
