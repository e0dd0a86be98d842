/**
 * `meshbridge --cluster C get KIND [NAME] [-n NS | -A] [-l SELECTOR] [-o wide|json|yaml]`: kinds by any name the
 * kind table knows (`we`, `deploy`, `svc`, `po`, ...). The default and `wide` outputs are the server's Table
 * columns, printed like kubectl; json/yaml print the object or a `List`.
 */
import { stringify } from 'yaml';
import { resolveKindName, type KindInfo } from '../../api/index.js';
import { clusterClient, kindPath } from './cluster-client.js';
import { runClusterCommand } from './cluster-shared.js';

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

interface Table {
  columnDefinitions: { name: string; priority: number }[];
  rows: { cells: unknown[]; object?: { metadata?: { namespace?: string } } }[];
}

/** Pure: the table as kubectl prints it (upper-case headers, columns three spaces apart). */
export function renderTable(table: Table, options: { wide: boolean; withNamespace: boolean }): string {
  const cols = table.columnDefinitions.map((c, i) => ({ ...c, i })).filter((c) => options.wide || c.priority === 0);
  const header = [...(options.withNamespace ? ['NAMESPACE'] : []), ...cols.map((c) => c.name.toUpperCase())];
  const rows = table.rows.map((r) => [
    ...(options.withNamespace ? [r.object?.metadata?.namespace ?? ''] : []),
    ...cols.map((c) => String(r.cells[c.i] ?? '')),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function kindOrThrow(name: string): KindInfo {
  const kind = resolveKindName(name);
  if (!kind || kind.scope !== 'cluster') throw new Error(`the server doesn't have a resource type "${name}"`);
  return kind;
}

/** Arguments of `meshbridge --cluster C get KIND [NAME] [-n NS] [-o FORMAT]`. */
export interface ClusterGetArgs {
  cluster: string;
  kind: string;
  name?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  output?: string;
}

/** `meshbridge --cluster C get KIND [NAME] [-n NS] [-o wide|json|yaml]` (called by the shared `get` command). */
export function clusterGet(args: ClusterGetArgs): Promise<void> {
  return runClusterCommand(async () => {
    const client = clusterClient(args.cluster);
    const kind = kindOrThrow(args.kind);
    const output = args.output ?? '';
    if (!['', 'wide', 'json', 'yaml'].includes(output)) throw new Error(`unknown output format "${output}"`);
    const namespace = args.allNamespaces ? undefined : (args.namespace ?? 'default');
    const query = args.selector ? `?labelSelector=${encodeURIComponent(args.selector)}` : '';
    const path = `${kindPath(kind, namespace, args.name)}${args.name ? '' : query}`;
    if (output === 'json' || output === 'yaml') {
      const body = await client.request<Record<string, unknown>>('GET', path);
      const doc = args.name
        ? body
        : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: body.items ?? [] };
      process.stdout.write(output === 'json' ? `${JSON.stringify(doc, null, 4)}\n` : stringify(doc));
      return;
    }
    const table = await client.request<Table>('GET', path, { accept: TABLE_ACCEPT });
    if (table.rows.length === 0) {
      process.stderr.write(
        kind.namespaced && namespace ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n',
      );
      return;
    }
    process.stdout.write(
      renderTable(table, { wide: output === 'wide', withNamespace: kind.namespaced && namespace === undefined }),
    );
  });
}
