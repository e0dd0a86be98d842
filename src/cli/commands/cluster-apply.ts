/**
 * `meshbridge --cluster C apply -f FILE... [-n NS]`: like `kubectl apply` (client side): creates what is missing,
 * patches what exists with a three-way merge against the `kubectl.kubernetes.io/last-applied-configuration`
 * annotation (so fields removed from the file are removed from the object), and reports
 * created / configured / unchanged per object. Interoperates with kubectl, which keeps the same annotation.
 */
import type { Command } from 'commander';
import { ClusterClient, kindLabel } from './cluster-client.js';
import { readManifests } from './cluster-manifests.js';
import { clusterOf, runClusterCommand } from './cluster-shared.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pure: the JSON merge patch turning what was last applied into what is applied now (removed keys -> null). */
export function threeWayPatch(lastApplied: unknown, desired: Json): Json {
  const patch: Json = { ...desired };
  if (isObj(lastApplied)) {
    for (const [key, before] of Object.entries(lastApplied)) {
      if (!(key in desired)) patch[key] = null;
      else if (isObj(before) && isObj(desired[key])) patch[key] = threeWayPatch(before, desired[key] as Json);
    }
  }
  return patch;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Json = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function withAnnotation(obj: Json, namespace: string | undefined): Json {
  const meta: Json = { ...((obj.metadata ?? {}) as Json) };
  if (namespace) meta.namespace = namespace;
  const desired = { ...obj, metadata: meta };
  const annotations = { ...((meta.annotations ?? {}) as Record<string, string>) };
  annotations[LAST_APPLIED] = `${JSON.stringify(desired)}\n`;
  return { ...desired, metadata: { ...meta, annotations } };
}

export function registerClusterApply(program: Command): void {
  program
    .command('apply')
    .description('apply cluster objects to the cluster given with --cluster (like kubectl apply)')
    .requiredOption('-f, --filename <file...>', 'manifest files (- for stdin)')
    .option('-n, --namespace <ns>', 'namespace for objects that name none')
    .action((opts: { filename: string[]; namespace?: string }, cmd: Command) =>
      runClusterCommand(async () => {
        const client = ClusterClient.forContext(clusterOf(cmd, 'apply'));
        for (const m of readManifests(opts.filename, opts.namespace)) {
          const desired = withAnnotation(m.object, m.namespace);
          const path = ClusterClient.path(m.kind, m.namespace, m.name);
          const label = `${kindLabel(m.kind)}/${m.name}`;
          let current: Json | undefined;
          try {
            current = await client.request<Json>('GET', path);
          } catch (err) {
            if (!(err instanceof Error && 'code' in err && err.code === 404)) throw err;
          }
          if (!current) {
            await client.request('POST', ClusterClient.path(m.kind, m.namespace), { body: desired });
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
          const patch = threeWayPatch(last, desired);
          const { resourceVersion: _rv, ...before } = (current.metadata ?? {}) as Json;
          const merged = mergePatch({ ...current, metadata: before }, patch);
          if (JSON.stringify(merged) === JSON.stringify({ ...current, metadata: before })) {
            process.stdout.write(`${label} unchanged\n`);
            continue;
          }
          await client.request('PATCH', path, { body: patch, contentType: 'application/merge-patch+json' });
          process.stdout.write(`${label} configured\n`);
        }
      }),
    );
}
