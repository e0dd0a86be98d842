/**
 * `meshbridge status [KIND NAME]`: ACCEPTED / READY / PARTIAL / FAILED with messages (like `tctl x status`). Without
 * arguments one line per object; with KIND NAME the object's per-cluster states and its children.
 */
import type { Command } from 'commander';
import { connect, withMgmtConnection } from './mgmt-client.js';
import type { MgmtConnectionOptions } from './mgmt-client.js';
import { mgmtKind, table, withHierarchy } from './mgmt-get.js';
import type { HierarchyOptions } from './mgmt-get.js';
import { convergenceSummary, type ObjectConvergence, type StoredConvergence } from '../../api/convergence.js';

/**
 * The clusters' xDS convergence as the controller forwarded it: a line per cluster (N of M objects converged, the
 * pending ones named), or with `perObject` every object's written -> in xDS -> ACKed line. Pure.
 */
export function convergenceLines(reports: readonly StoredConvergence[], now: number, perObject: boolean): string[] {
  if (reports.length === 0) return [];
  const ago = (at: string) => `${Math.max(0, Math.round((now - Date.parse(at)) / 1000))}s ago`;
  const object = (o: ObjectConvergence) => `${o.kind} ${o.namespace}/${o.name}`;
  const lines = ['xDS convergence (per cluster, as the controller last read it):'];
  for (const r of reports) {
    if (r.items === undefined) {
      lines.push(`  ${r.cluster}: unknown: ${r.unavailable ?? 'not reported'} (${ago(r.updatedAt)})`);
      continue;
    }
    const sum = convergenceSummary(r.items);
    const total = sum.objects + (r.omitted ?? 0);
    lines.push(
      `  ${r.cluster}: ${sum.converged} of ${total} objects Converged` +
        `${r.omitted ? ` (${r.omitted} not reported)` : ''} (${ago(r.updatedAt)})`,
    );
    const shown = perObject ? r.items : sum.pending;
    for (const o of shown) {
      const c = o.conditions[0];
      lines.push(
        `    ${object(o)}: written rev ${o.written.revision}${o.written.at ? ` at ${o.written.at}` : ''} -> ` +
          `in xDS rev ${o.inXds.revision} -> ACKed by ${o.acked} of ${o.proxies} proxies: ` +
          `${c.status === 'True' ? 'Converged' : 'not converged'} (${c.reason})`,
      );
    }
  }
  return lines;
}

/** The forwarded convergence reports; none when the management plane has no such route or refuses. */
async function convergenceReports(opts: MgmtConnectionOptions): Promise<StoredConvergence[]> {
  try {
    return (await connect(opts).request<{ clusters: StoredConvergence[] }>('GET', '/v2/convergence')).clusters;
  } catch {
    return [];
  }
}

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
      if (kind === undefined || kind === 'Cluster') {
        const lines = convergenceLines(await convergenceReports(opts), Date.now(), false);
        if (lines.length > 0) process.stdout.write(`\n${lines.join('\n')}\n`);
      }
      return;
    }
    for (const s of selected) {
      process.stdout.write(`${s.kind} ${s.fqn}: ${s.state}\n  ${s.message}\n`);
      for (const [cluster, c] of Object.entries(s.clusters)) {
        process.stdout.write(`  cluster ${cluster}: ${c.state}${c.message === '' ? '' : ` ${c.message}`}\n`);
      }
      for (const c of s.children) process.stdout.write(`  ${c.kind} ${c.fqn}: ${c.state}\n`);
    }
    // A Cluster's every object, written -> in xDS -> ACKed.
    if (kind === 'Cluster') {
      const reports = (await convergenceReports(opts)).filter((r) => r.cluster === name);
      const lines = convergenceLines(reports, Date.now(), true);
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    }
  });
}
