/**
 * `meshbridge --cluster C delete -f FILE... | delete KIND NAME... [-n NS] [--ignore-not-found]`, like kubectl
 * delete. Deleting a Namespace deletes what is inside it; a Deployment's pods follow it.
 */
import { resolveKindName } from '../../api/index.js';
import { clusterClient, kindPath, KubeError, kindLabel } from './cluster-client.js';
import { readManifests, type ManifestObject } from './cluster-manifests.js';
import { runClusterCommand } from './cluster-shared.js';

/** Arguments of `meshbridge --cluster C delete -f FILE | delete KIND NAME [-n NS]`. */
export interface ClusterDeleteArgs {
  cluster: string;
  files: string[];
  kind?: string;
  name?: string;
  namespace?: string;
  ignoreNotFound?: boolean;
}

/** `meshbridge --cluster C delete -f FILE... | delete KIND NAME [-n NS]` (called by the shared `delete` command). */
export function clusterDelete(args: ClusterDeleteArgs & { names?: string[] }): Promise<void> {
  return runClusterCommand(async () => {
    const client = clusterClient(args.cluster);
    let targets: Pick<ManifestObject, 'kind' | 'namespace' | 'name'>[];
    if (args.files.length > 0) {
      if (args.kind !== undefined) throw new Error('give either -f FILE or KIND NAME, not both');
      targets = readManifests(args.files, args.namespace);
    } else {
      const kind = args.kind ? resolveKindName(args.kind) : undefined;
      if (!args.kind || !kind || kind.scope !== 'cluster') {
        throw new Error(
          args.kind ? `the server doesn't have a resource type "${args.kind}"` : 'give -f FILE or KIND NAME',
        );
      }
      const names = args.names ?? (args.name ? [args.name] : []);
      if (names.length === 0) throw new Error('give the name of the object to delete');
      targets = names.map((name) => ({
        kind,
        name,
        namespace: kind.namespaced ? (args.namespace ?? 'default') : undefined,
      }));
    }
    let failed = false;
    for (const t of targets) {
      try {
        await client.request('DELETE', kindPath(t.kind, t.namespace, t.name));
        process.stdout.write(`${kindLabel(t.kind)} "${t.name}" deleted\n`);
      } catch (err) {
        if (!(err instanceof KubeError) || err.status !== 404) throw err;
        if (!args.ignoreNotFound) {
          process.stderr.write(`Error from server (NotFound): ${err.message}\n`);
          failed = true;
        }
      }
    }
    if (failed) process.exitCode = 1;
  });
}
