/**
 * `meshbridge --cluster C delete -f FILE... | delete KIND NAME... [-n NS] [--ignore-not-found]`, like kubectl
 * delete. Deleting a Namespace deletes what is inside it; a Deployment's pods follow it.
 */
import type { Command } from 'commander';
import { resolveKindName } from '../../api/index.js';
import { ClusterClient, KubeError, kindLabel } from './cluster-client.js';
import { readManifests, type ManifestObject } from './cluster-manifests.js';
import { clusterOf, runClusterCommand } from './cluster-shared.js';

export function registerClusterDelete(program: Command): void {
  program
    .command('delete')
    .description('delete cluster objects from the cluster given with --cluster (like kubectl delete)')
    .argument('[kind]', 'kind, plural or short name')
    .argument('[names...]', 'object names')
    .option('-f, --filename <file...>', 'manifest files (- for stdin)')
    .option('-n, --namespace <ns>', 'namespace')
    .option('--ignore-not-found', 'treat "not found" as success')
    .action(
      (
        kindName: string | undefined,
        names: string[],
        opts: { filename?: string[]; namespace?: string; ignoreNotFound?: boolean },
        cmd: Command,
      ) =>
        runClusterCommand(async () => {
          const client = ClusterClient.forContext(clusterOf(cmd, 'delete'));
          let targets: Pick<ManifestObject, 'kind' | 'namespace' | 'name'>[];
          if (opts.filename) {
            targets = readManifests(opts.filename, opts.namespace);
          } else {
            const kind = kindName ? resolveKindName(kindName) : undefined;
            if (!kindName || !kind || kind.scope !== 'cluster') {
              throw new Error(
                kindName ? `the server doesn't have a resource type "${kindName}"` : 'give -f FILE or KIND NAME',
              );
            }
            if (names.length === 0) throw new Error('give the name of the object to delete');
            targets = names.map((name) => ({
              kind,
              name,
              namespace: kind.namespaced ? (opts.namespace ?? 'default') : undefined,
            }));
          }
          let failed: KubeError | undefined;
          for (const t of targets) {
            try {
              await client.request('DELETE', ClusterClient.path(t.kind, t.namespace, t.name));
              process.stdout.write(`${kindLabel(t.kind)} "${t.name}" deleted\n`);
            } catch (err) {
              if (!(err instanceof KubeError) || err.code !== 404) throw err;
              if (!opts.ignoreNotFound) {
                process.stderr.write(`Error from server (NotFound): ${err.message}\n`);
                failed = err;
              }
            }
          }
          if (failed) process.exitCode = 1;
        }),
    );
}
