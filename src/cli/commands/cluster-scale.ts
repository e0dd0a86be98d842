/** `meshbridge --cluster C scale deployment NAME -n NS --replicas N`, through the Deployment's scale subresource. */
import type { Command } from 'commander';
import { resolveKindName } from '../../api/index.js';
import { clusterClient, kindPath, kindLabel } from './cluster-client.js';
import { clusterOf, runClusterCommand } from './cluster-shared.js';

export function registerClusterScale(program: Command): void {
  program
    .command('scale')
    .description('set the replicas of a deployment in the cluster given with --cluster (like kubectl scale)')
    .argument('<kind>', 'deployment (deploy), or deployment/NAME')
    .argument('[name]', 'deployment name')
    .requiredOption('--replicas <n>', 'desired replicas')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(
      (kindArg: string, nameArg: string | undefined, opts: { replicas: string; namespace: string }, cmd: Command) =>
        runClusterCommand(async () => {
          const client = clusterClient(clusterOf(cmd, 'scale'));
          const [kindName, slashName] = kindArg.split('/') as [string, string | undefined];
          const name = slashName ?? nameArg;
          const kind = resolveKindName(kindName);
          if (!kind || kind.plural !== 'deployments')
            throw new Error(`cannot scale "${kindName}": only deployments scale`);
          if (!name) throw new Error('give the deployment name');
          const replicas = Number(opts.replicas);
          if (!Number.isInteger(replicas) || replicas < 0) throw new Error('--replicas must be a non-negative integer');
          await client.request('PATCH', kindPath(kind, opts.namespace, name, 'scale'), {
            body: { spec: { replicas } },
            contentType: 'application/merge-patch+json',
          });
          process.stdout.write(`${kindLabel(kind)}/${name} scaled\n`);
        }),
    );
}
