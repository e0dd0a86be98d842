/**
 * `meshbridge status [KIND NAME]`: ACCEPTED / READY / PARTIAL / FAILED with messages (like `tctl x status`). Without
 * arguments one line per object; with KIND NAME the object's per-cluster states and its children.
 */
import type { Command } from 'commander';
import { connect, withMgmtConnection } from './mgmt-client.js';
import type { MgmtConnectionOptions } from './mgmt-client.js';
import { mgmtKind, table, withHierarchy } from './mgmt-get.js';
import type { HierarchyOptions } from './mgmt-get.js';

/** Aggregated status as the API returns it. */
interface WireStatus {
  kind: string;
  fqn: string;
  state: string;
  message: string;
  clusters: Record<string, { state: string; message: string }>;
  children: { kind: string; fqn: string; state: string }[];
}

/** Whether an fqn lies inside the hierarchy filters and ends with `name`. */
function matches(fqn: string, name: string | undefined, h: HierarchyOptions): boolean {
  const parts = fqn.split('/');
  const at = (segment: string): string | undefined => {
    const i = parts.indexOf(segment);
    return i >= 0 && i % 2 === 0 ? parts[i + 1] : undefined;
  };
  return (
    (name === undefined || parts[parts.length - 1] === name) &&
    (h.org === undefined || at('organizations') === h.org) &&
    (h.tenant === undefined || at('tenants') === h.tenant) &&
    (h.workspace === undefined || at('workspaces') === h.workspace)
  );
}

interface StatusOptions extends MgmtConnectionOptions, HierarchyOptions {}

/** Registers `status`. */
export function registerMgmtStatus(program: Command): void {
  withMgmtConnection(
    withHierarchy(
      program
        .command('status')
        .description('status of management-plane objects: ACCEPTED, READY, PARTIAL or FAILED, with messages')
        .argument('[kind]', 'kind, plural or short name')
        .argument('[name]', 'object name'),
    ),
  ).action(async (kindArg: string | undefined, name: string | undefined, opts: StatusOptions) => {
    const kind = kindArg === undefined ? undefined : mgmtKind(kindArg);
    const { objects } = await connect(opts).request<{ objects: WireStatus[] }>('GET', '/v2/status');
    const selected = objects.filter((s) => (kind === undefined || s.kind === kind) && matches(s.fqn, name, opts));
    if (selected.length === 0) {
      throw new Error(kind === undefined ? 'no objects' : `${kind}${name === undefined ? '' : ` ${name}`} not found`);
    }
    if (name === undefined) {
      const rows = [['STATUS', 'KIND', 'FQN', 'MESSAGE'], ...selected.map((s) => [s.state, s.kind, s.fqn, s.message])];
      process.stdout.write(`${table(rows)}\n`);
      return;
    }
    for (const s of selected) {
      process.stdout.write(`${s.kind} ${s.fqn}: ${s.state}\n  ${s.message}\n`);
      for (const [cluster, c] of Object.entries(s.clusters)) {
        process.stdout.write(`  cluster ${cluster}: ${c.state}${c.message === '' ? '' : ` ${c.message}`}\n`);
      }
      for (const c of s.children) process.stdout.write(`  ${c.kind} ${c.fqn}: ${c.state}\n`);
    }
  });
}
