/**
 * `meshbridge delete -f FILE...` or `delete KIND NAME [--org ...]` for TSB kinds (one transaction, children before
 * parents). With `--cluster`, cluster objects (see cluster-delegate.ts).
 */
import type { Command } from 'commander';
import { deleteFromCluster } from './cluster-delegate.js';
import { connect, withMgmtConnection } from './mgmt-client.js';
import type { MgmtConnectionOptions } from './mgmt-client.js';
import { readDocuments } from './mgmt-docs.js';
import type { SourcedDocument } from './mgmt-docs.js';
import { reportFailure } from './mgmt-apply.js';
import { listQuery, mgmtKind, withHierarchy } from './mgmt-get.js';
import type { HierarchyOptions, WireObject } from './mgmt-get.js';

interface DeleteOptions extends MgmtConnectionOptions, HierarchyOptions {
  filename?: string[];
  namespace?: string;
  ignoreNotFound?: boolean;
}

/** Registers `delete`. */
export function registerMgmtDelete(program: Command): void {
  withMgmtConnection(
    withHierarchy(
      program
        .command('delete')
        .description('delete objects (TSB kinds from the management plane; with --cluster, cluster objects)')
        .argument('[kind]', 'kind, plural or short name')
        .argument('[name]', 'object name')
        .option('-f, --filename <files...>', 'delete the objects in these YAML files')
        .option('-n, --namespace <namespace>', 'namespace (cluster kinds)')
        .option('--ignore-not-found', 'succeed when an object is already gone'),
    ),
  ).action(async (kindArg: string | undefined, name: string | undefined, opts: DeleteOptions, cmd: Command) => {
    const cluster = (cmd.optsWithGlobals() as { cluster?: string }).cluster;
    if (cluster !== undefined) {
      await deleteFromCluster({
        cluster,
        files: opts.filename ?? [],
        ...(kindArg === undefined ? {} : { kind: kindArg }),
        ...(name === undefined ? {} : { name }),
        ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
        ignoreNotFound: opts.ignoreNotFound === true,
      });
      return;
    }
    const client = connect(opts);
    let objects: unknown[];
    let docs: SourcedDocument[] = [];
    if (opts.filename !== undefined) {
      if (kindArg !== undefined) throw new Error('give either -f FILE or KIND NAME, not both');
      docs = readDocuments(opts.filename);
      objects = docs.map((d) => d.object);
    } else {
      if (kindArg === undefined || name === undefined) throw new Error('delete needs -f FILE or KIND NAME');
      const kind = mgmtKind(kindArg);
      const found = await client.request<{ objects: WireObject[] }>(
        'GET',
        `/v2/objects?${listQuery(kind, name, opts)}`,
      );
      if (found.objects.length > 1) {
        throw new Error(
          `${found.objects.length} ${kind} objects are named ${name}: narrow with --org/--tenant/--workspace`,
        );
      }
      if (found.objects.length === 0) {
        if (opts.ignoreNotFound === true) return;
        throw new Error(`${kind} ${name} not found`);
      }
      objects = found.objects;
    }
    try {
      const res = await client.request<{ results: { kind: string; name: string; result: string }[] }>(
        'POST',
        '/v2/delete',
        { objects, ignoreNotFound: opts.ignoreNotFound === true },
      );
      for (const r of res.results) process.stdout.write(`${r.kind}/${r.name} ${r.result}\n`);
    } catch (err) {
      reportFailure(err, docs);
    }
  });
}
