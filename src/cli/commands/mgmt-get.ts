/**
 * `meshbridge get KIND [NAME]` for TSB kinds (short names work: org, tn, ws, wss, os, cl), optionally narrowed with
 * `--org/--tenant/--workspace`; `-o json|yaml` prints the objects. Cluster kinds need `--cluster`.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { resolveKindName } from '../../api/index.js';
import { getFromCluster } from './cluster-delegate.js';
import { connect, withMgmtConnection } from './mgmt-client.js';
import type { MgmtConnectionOptions } from './mgmt-client.js';

/** Hierarchy filters shared by get, delete and status. */
export interface HierarchyOptions {
  org?: string;
  tenant?: string;
  workspace?: string;
}

/** Adds `--org`, `--tenant`, `--workspace`. */
export function withHierarchy(cmd: Command): Command {
  return cmd
    .option('--org <organization>', 'only objects of this organization')
    .option('--tenant <tenant>', 'only objects of this tenant')
    .option('--workspace <workspace>', 'only objects of this workspace');
}

/** A stored TSB object as the API returns it. */
export interface WireObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; organization?: string; tenant?: string; workspace?: string; resourceVersion?: string };
  spec?: unknown;
}

/** The query string selecting `kind` objects named `name` within the hierarchy filters. */
export function listQuery(kind: string, name: string | undefined, h: HierarchyOptions): string {
  const q = new URLSearchParams({ kind });
  if (name !== undefined) q.set('name', name);
  if (h.org !== undefined) q.set('organization', h.org);
  if (h.tenant !== undefined) q.set('tenant', h.tenant);
  if (h.workspace !== undefined) q.set('workspace', h.workspace);
  return q.toString();
}

/** Resolves a typed kind to a management-plane kind, or says how to reach a cluster kind. */
export function mgmtKind(typed: string): string {
  const info = resolveKindName(typed);
  if (info === undefined) throw new Error(`unknown kind ${typed}`);
  if (info.scope !== 'mgmt') throw new Error(`${info.kind} is a cluster kind: add --cluster NAME`);
  return info.kind;
}

/** Renders objects as an aligned table. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join(''))
    .join('\n');
}

interface GetOptions extends MgmtConnectionOptions, HierarchyOptions {
  namespace?: string;
  output?: string;
  allNamespaces?: boolean;
  selector?: string;
}

/** Registers `get`. */
export function registerMgmtGet(program: Command): void {
  withMgmtConnection(
    withHierarchy(
      program
        .command('get')
        .description('list or show objects (TSB kinds from the management plane; with --cluster, cluster objects)')
        .argument('<kind>', 'kind, plural or short name (org, tn, ws, wss, os, cl; cluster kinds need --cluster)')
        .argument('[name]', 'object name')
        .option('-n, --namespace <namespace>', 'namespace (cluster kinds)')
        .option('-o, --output <format>', 'json | yaml (| wide for cluster kinds)')
        .option('-A, --all-namespaces', 'all namespaces (cluster kinds)')
        .option('-l, --selector <selector>', 'label selector (cluster kinds)'),
    ),
  ).action(async (kindArg: string, name: string | undefined, opts: GetOptions, cmd: Command) => {
    const cluster = (cmd.optsWithGlobals() as { cluster?: string }).cluster;
    if (cluster !== undefined) {
      await getFromCluster({
        cluster,
        kind: kindArg,
        ...(name === undefined ? {} : { name }),
        ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
        ...(opts.output === undefined ? {} : { output: opts.output }),
        ...(opts.allNamespaces ? { allNamespaces: true } : {}),
        ...(opts.selector === undefined ? {} : { selector: opts.selector }),
      });
      return;
    }
    const kind = mgmtKind(kindArg);
    const { objects } = await connect(opts).request<{ objects: WireObject[] }>(
      'GET',
      `/v2/objects?${listQuery(kind, name, opts)}`,
    );
    if (name !== undefined && objects.length === 0) throw new Error(`${kind} ${name} not found`);
    const single = name !== undefined && objects.length === 1 ? objects[0] : undefined;
    switch (opts.output) {
      case 'json':
        process.stdout.write(`${JSON.stringify(single ?? { objects }, null, 2)}\n`);
        return;
      case 'yaml':
        process.stdout.write(objects.map((o) => stringify(o)).join('---\n'));
        return;
      case undefined:
      case 'wide':
        break;
      default:
        throw new Error(`unknown output format ${opts.output} (json or yaml)`);
    }
    if (objects.length === 0) {
      process.stdout.write(`no ${kind} objects\n`);
      return;
    }
    const rows = [['NAME', 'ORGANIZATION', 'TENANT', 'WORKSPACE', 'REVISION']];
    for (const o of objects) {
      const m = o.metadata;
      const orgOf = kind === 'Organization' ? m.name : (m.organization ?? '');
      rows.push([m.name, orgOf, m.tenant ?? '', m.workspace ?? '', m.resourceVersion ?? '']);
    }
    process.stdout.write(`${table(rows)}\n`);
  });
}
