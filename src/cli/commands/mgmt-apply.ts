/**
 * `meshbridge apply -f FILE...`: TSB objects to the management plane in one transaction (like `tctl apply`).
 * With `--cluster C` the files hold cluster objects and go to that cluster (see cluster-delegate.ts). `${ORG}`
 * style placeholders are not expanded here: the shell does that, as in the seed.
 */
import type { Command } from 'commander';
import { applyToCluster } from './cluster-delegate.js';
import { MgmtApiError, connect, withMgmtConnection } from './mgmt-client.js';
import type { ApiIssue, MgmtConnectionOptions } from './mgmt-client.js';
import { formatIssue, readDocuments } from './mgmt-docs.js';
import type { SourcedDocument } from './mgmt-docs.js';

/** Prints a failed mutation: one located line per document issue, else the error itself; sets exit code 1. */
export function reportFailure(err: unknown, docs: readonly SourcedDocument[]): void {
  if (!(err instanceof MgmtApiError)) throw err;
  process.stderr.write(`meshbridge: ${err.message}\n`);
  for (const issue of err.issues) process.stderr.write(`${formatIssue(docs, issue)}\n`);
  process.exitCode = 1;
}

interface ApplyOptions extends MgmtConnectionOptions {
  filename: string[];
  namespace?: string;
}

/** Registers `apply`. */
export function registerMgmtApply(program: Command): void {
  withMgmtConnection(
    program
      .command('apply')
      .description('apply TSB objects to the management plane (with --cluster: cluster objects to that cluster)')
      .requiredOption('-f, --filename <files...>', 'YAML file(s); several documents per file allowed')
      .option('-n, --namespace <namespace>', 'namespace for namespaced cluster objects (with --cluster)'),
  ).action(async (opts: ApplyOptions, cmd: Command) => {
    const cluster = (cmd.optsWithGlobals() as { cluster?: string }).cluster;
    if (cluster !== undefined) {
      await applyToCluster({
        cluster,
        files: opts.filename,
        ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
      });
      return;
    }
    const docs = readDocuments(opts.filename);
    if (docs.length === 0) throw new Error(`no documents in ${opts.filename.join(', ')}`);
    const client = connect(opts);
    try {
      const res = await client.request<{
        results: { kind: string; name: string; result: string }[];
        warnings: ApiIssue[];
      }>('POST', '/v2/apply', { objects: docs.map((d) => d.object) });
      for (const w of res.warnings) process.stderr.write(`${formatIssue(docs, w)}\n`);
      for (const r of res.results) process.stdout.write(`${r.kind}/${r.name} ${r.result}\n`);
    } catch (err) {
      reportFailure(err, docs);
    }
  });
}
