/**
 * `meshbridge --cluster C label KIND NAME key=value... [key-] [-n NS] [--overwrite]`, like `kubectl label`: sets or
 * removes labels with a JSON merge patch. Changing an existing value needs --overwrite, as in kubectl.
 */
import type { Command } from 'commander';
import { resolveKindName } from '../../api/index.js';
import { clusterClient, kindPath, kindLabel } from './cluster-client.js';
import { clusterOf, runClusterCommand } from './cluster-shared.js';

/** Pure: parses `key=value` (set) and `key-` (remove) arguments into a merge-patch label map. */
export function parseLabelArgs(args: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const arg of args) {
    if (arg.endsWith('-') && !arg.includes('=')) out[arg.slice(0, -1)] = null;
    else {
      const eq = arg.indexOf('=');
      if (eq <= 0) throw new Error(`invalid label "${arg}": expected key=value or key-`);
      out[arg.slice(0, eq)] = arg.slice(eq + 1);
    }
  }
  return out;
}

export function registerClusterLabel(program: Command): void {
  program
    .command('label')
    .description('set or remove labels of a cluster object (like kubectl label)')
    .argument('<kind>', 'kind, plural or short name')
    .argument('<name>', 'object name')
    .argument('<labels...>', 'key=value to set, key- to remove')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--overwrite', 'allow changing labels that already have a value')
    .action(
      (
        kindName: string,
        name: string,
        labelArgs: string[],
        opts: { namespace: string; overwrite?: boolean },
        cmd: Command,
      ) =>
        runClusterCommand(async () => {
          const kind = resolveKindName(kindName);
          if (!kind || kind.scope !== 'cluster')
            throw new Error(`the server doesn't have a resource type "${kindName}"`);
          const client = clusterClient(clusterOf(cmd, 'label'));
          const path = kindPath(kind, kind.namespaced ? opts.namespace : undefined, name);
          const wanted = parseLabelArgs(labelArgs);
          const current = await client.request<{ metadata?: { labels?: Record<string, string> } }>('GET', path);
          const existing = current.metadata?.labels ?? {};
          for (const [key, value] of Object.entries(wanted)) {
            if (value !== null && key in existing && existing[key] !== value && !opts.overwrite) {
              throw new Error(`'${key}' already has a value (${existing[key]}), and --overwrite is false`);
            }
          }
          await client.request('PATCH', path, {
            body: { metadata: { labels: wanted } },
            contentType: 'application/merge-patch+json',
          });
          process.stdout.write(`${kindLabel(kind)}/${name} labeled\n`);
        }),
    );
}
