/**
 * `meshbridge --cluster C apply -f FILE... [-n NS]`: like `kubectl apply` (client side): creates what is missing,
 * patches what exists with a three-way merge against the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation (so fields removed from the file are removed from the object), and reports
 * created / configured / unchanged per object. Interoperates with kubectl, which keeps the same annotation.
 */
import { clusterClient, kindPath, KubeError, kindLabel } from './cluster-client.js';
import { readManifests } from './cluster-manifests.js';
import { runClusterCommand } from './cluster-shared.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether every field `desired` sets has the same value in `current` (server defaults may add more). */
export function subsetEqual(desired: unknown, current: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(current) && desired.length === current.length && desired.every((d, i) => subsetEqual(d, current[i]))
    );
  }
  if (isObj(desired)) return isObj(current) && Object.entries(desired).every(([k, v]) => subsetEqual(v, current[k]));
  return desired === current;
}

/**
 * Pure: the JSON merge patch of a client-side apply, three-way like kubectl's: fields the file sets that differ
 * from the live object (lists compared item by item, ignoring fields the server defaulted), plus `null` for
 * fields that were in the last applied configuration and are no longer in the file. Empty when nothing changes.
 */
export function threeWayPatch(lastApplied: unknown, desired: Json, current: unknown): Json {
  const patch: Json = {};
  for (const [key, want] of Object.entries(desired)) {
    const have = isObj(current) ? current[key] : undefined;
    if (subsetEqual(want, have)) continue;
    patch[key] =
      isObj(want) && isObj(have) ? threeWayPatch(isObj(lastApplied) ? lastApplied[key] : undefined, want, have) : want;
  }
  if (isObj(lastApplied)) {
    for (const [key, before] of Object.entries(lastApplied)) {
      const have = isObj(current) ? current[key] : undefined;
      if (!(key in desired)) {
        if (have !== undefined) patch[key] = null;
      } else if (isObj(before) && isObj(desired[key]) && !(key in patch)) {
        const nested = threeWayPatch(before, desired[key] as Json, have);
        if (Object.keys(nested).length > 0) patch[key] = nested;
      }
    }
  }
  return patch;
}

function withAnnotation(obj: Json, namespace: string | undefined): Json {
  const meta: Json = { ...((obj.metadata ?? {}) as Json) };
  if (namespace) meta.namespace = namespace;
  const desired = { ...obj, metadata: meta };
  const annotations = { ...((meta.annotations ?? {}) as Record<string, string>) };
  annotations[LAST_APPLIED] = `${JSON.stringify(desired)}\n`;
  return { ...desired, metadata: { ...meta, annotations } };
}

/** Arguments of `meshbridge --cluster C apply -f FILE... [-n NS]`. */
export interface ClusterApplyArgs {
  cluster: string;
  files: string[];
  namespace?: string;
}

/** `meshbridge --cluster C apply -f FILE... [-n NS]` (called by the shared `apply` command). */
export function clusterApply(args: ClusterApplyArgs): Promise<void> {
  return runClusterCommand(async () => {
    const client = clusterClient(args.cluster);
    for (const m of readManifests(args.files, args.namespace)) {
      const desired = withAnnotation(m.object, m.namespace);
      const path = kindPath(m.kind, m.namespace, m.name);
      const label = `${kindLabel(m.kind)}/${m.name}`;
      let current: Json | undefined;
      try {
        current = await client.request<Json>('GET', path);
      } catch (err) {
        if (!(err instanceof KubeError && err.status === 404)) throw err;
      }
      if (!current) {
        await client.request('POST', kindPath(m.kind, m.namespace), { body: desired });
        process.stdout.write(`${label} created\n`);
        continue;
      }
      const annotations = ((current.metadata as Json | undefined)?.annotations ?? {}) as Record<string, string>;
      let last: unknown;
      try {
        last = annotations[LAST_APPLIED] ? JSON.parse(annotations[LAST_APPLIED]) : undefined;
      } catch {
        last = undefined;
      }
      const patch = threeWayPatch(last, desired, current);
      // The versions of a kind served here share one schema: a file's other version is not a change.
      delete patch.apiVersion;
      if (Object.keys(patch).length === 0) {
        process.stdout.write(`${label} unchanged\n`);
        continue;
      }
      await client.request('PATCH', path, { body: patch, contentType: 'application/merge-patch+json' });
      process.stdout.write(`${label} configured\n`);
    }
  });
}
