/**
 * `meshbridge controller --dry-run`: what the controller would write, per cluster, from one reading of the
 * configuration and of every cluster: the same plan and the same `diff` the running controller applies, with the
 * writes left out. A cluster that cannot be read is reported, and its generated objects elsewhere are kept, as the
 * controller keeps them. A change whose object is invalid against Istio's CRD schema is listed with the reason
 * the controller would refuse it (MB7007).
 */
import type { ClusterClient, KObject } from '../kube/client.js';
import { diff, MANAGED_SELECTOR, OWNED_KINDS, type Change } from './apply.js';
import { describeRefusal, istioSchemaIssues, type IstioSchemaIssue } from './istio-schema.js';
import type { PlanWarning } from './plan.js';
import type { Resolver } from './resolve.js';
import { evaluate } from './session.js';
import type { Cluster, FederationConfig } from './types.js';

/** What the controller would do in one cluster. */
export interface ClusterDryRun {
  readonly cluster: string;
  /** The changes, in the order the controller would make them; undefined when the cluster could not be read. */
  readonly changes?: readonly Change[];
  /** Why the cluster could not be read. */
  readonly error?: string;
  /** Changes the controller would refuse to write (invalid against Istio's CRD schema, MB7007), with the problems. */
  readonly refused?: readonly RefusedChange[];
}

/** A create or update the controller would not make: its object fails Istio's CRD schema. */
export interface RefusedChange {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly issues: readonly IstioSchemaIssue[];
}

/** The whole dry run. */
export interface DryRunReport {
  readonly clusters: readonly ClusterDryRun[];
  readonly warnings: readonly PlanWarning[];
}

/** Reads everything once, plans, and diffs each cluster's generated objects with the plan. Writes nothing. */
export async function dryRun(options: {
  config: FederationConfig;
  connect: (c: Cluster) => ClusterClient;
  resolver?: Resolver;
}): Promise<DryRunReport> {
  const ev = await evaluate(options);
  const unreachable = new Map(ev.unreachable.map((u) => [u.cluster, u.message]));
  const keepSources = new Set(unreachable.keys());
  const clusters = await Promise.all(
    options.config.clusters.map(async (c): Promise<ClusterDryRun> => {
      const name = c.metadata.name;
      const error = unreachable.get(name);
      if (error !== undefined) return { cluster: name, error };
      try {
        const client = options.connect(c);
        const actual: KObject[] = (
          await Promise.all(OWNED_KINDS.map((k) => client.list(k, { labelSelector: MANAGED_SELECTOR })))
        ).flat();
        const changes = diff({ desired: ev.plan.clusters[name] ?? [], actual, keepSources });
        return { cluster: name, changes, refused: refusedOf(changes) };
      } catch (err) {
        return { cluster: name, error: (err as Error).message };
      }
    }),
  );
  return { clusters, warnings: ev.plan.warnings };
}

/** The changes whose object the controller would refuse, as `applyChanges` decides it. */
function refusedOf(changes: readonly Change[]): RefusedChange[] {
  return changes.flatMap((c) => {
    if (c.op === 'delete') return [];
    const issues = istioSchemaIssues(c.object);
    if (issues.length === 0) return [];
    const m = c.object.metadata ?? {};
    return [
      {
        kind: c.object.kind ?? '',
        ...(m.namespace ? { namespace: m.namespace } : {}),
        name: m.name ?? '',
        issues,
      },
    ];
  });
}

/** The report as text: per cluster a count line, then one line per change (`+` create, `~` update, `-` delete). */
export function formatDryRun(report: DryRunReport): string {
  const lines: string[] = [];
  for (const c of report.clusters) {
    if (c.changes === undefined) {
      lines.push(`${c.cluster}: not read (${c.error ?? 'unknown error'}); its objects in other clusters are kept`);
      continue;
    }
    const count = (op: Change['op']) => c.changes!.filter((x) => x.op === op).length;
    lines.push(
      `${c.cluster}: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete`,
    );
    for (const change of c.changes) {
      const o = change.op === 'delete' ? change.current : change.object;
      const where = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
      const sign = change.op === 'create' ? '+' : change.op === 'update' ? '~' : '-';
      lines.push(`  ${sign} ${o.kind} ${where}${o.metadata?.name ?? ''}`);
      // The controller validates before it writes: say here what it would refuse.
      const refused =
        change.op === 'delete'
          ? undefined
          : c.refused?.find(
              (r) =>
                r.kind === o.kind &&
                (r.namespace ?? '') === (o.metadata?.namespace ?? '') &&
                r.name === o.metadata?.name,
            );
      if (refused) lines.push(`    ! would be refused: ${describeRefusal(o, refused.issues)}`);
    }
  }
  for (const w of report.warnings) lines.push(`warning ${w.code}: ${w.message}`);
  lines.push('dry run: nothing was written');
  return `${lines.join('\n')}\n`;
}
