/**
 * `explain failover`: the priority table a client in one cluster gets for one service, the clusters that are not
 * failover targets and why, and the same-region caveat. Pure: it reads a plan's output and the inventories.
 */
import { byString } from './selection.js';
import type { ClusterInventory } from './inventory.js';
import {
  compactPriorities,
  formatLocality,
  parseLocality,
  rawPriority,
  type FailoverRule,
  type Locality,
  type PriorityReason,
} from './locality.js';
import type { PlanOutput } from './plan.js';
import { SOURCE_CLUSTER_LABEL, type FederationConfig } from './types.js';

/** One endpoint a client gets, with its priority. */
export interface ExplainEndpoint {
  cluster: string;
  kind: 'pod' | 'WorkloadEntry' | 'ServiceEntry endpoint';
  name: string;
  address: string;
  locality: string;
  ready: boolean | undefined;
  rawPriority: number;
  priority: number;
  why: PriorityReason;
}

/** The answer of `explain failover`. */
export interface ExplainReport {
  service: string;
  namespace: string;
  client: string;
  clientLocality: string;
  endpoints: ExplainEndpoint[];
  targets: { cluster: string; message: string }[];
  notTargets: { cluster: string; reason: string; message: string }[];
  warnings: string[];
}

const WHY: Record<PriorityReason, string> = {
  'same-subzone': 'same region, zone and subzone',
  'same-zone': 'same region and zone, other subzone',
  'same-region': 'same region, other zone',
  'failover-region': 'region named by a failover rule',
  other: 'other region',
};

/** Options of `explainFailover`. */
export interface ExplainInput {
  service: string;
  namespace: string;
  from: string;
  config: FederationConfig;
  inventories: readonly ClusterInventory[];
  plan: PlanOutput;
}

/** Builds the explain report. Pure. */
export function explainFailover(input: ExplainInput): ExplainReport {
  const { service, namespace, from } = input;
  const inv = input.inventories.find((i) => i.cluster === from);
  const cl = input.config.clusters.find((c) => c.metadata.name === from);
  const clientLocality: Locality = cl?.spec?.locality?.region
    ? parseLocality(`${cl.spec.locality.region}/${cl.spec.locality.zone ?? ''}`)
    : (inv?.locality ?? { region: '', zone: '', subzone: '' });
  // A client's own locality is that of its node; inventories know the nodes better than the Cluster object.
  const client = inv && inv.locality.region ? inv.locality : clientLocality;
  const desired = input.plan.clusters[from] ?? [];
  const dr = desired.find(
    (o) => o.kind === 'DestinationRule' && o.spec.host === `${service}.${namespace}.svc.cluster.local`,
  );
  const failover: FailoverRule[] =
    dr?.kind === 'DestinationRule'
      ? (dr.spec.trafficPolicy?.loadBalancer?.localityLbSetting?.failover ?? []).map((r) => ({
          from: r.from ?? '',
          to: r.to ?? '',
        }))
      : [];

  const rows: Omit<ExplainEndpoint, 'priority' | 'rawPriority' | 'why'>[] = [];
  const local = inv?.services.find((s) => s.namespace === namespace && s.name === service);
  for (const w of local?.workloads ?? []) {
    rows.push({
      cluster: from,
      kind: 'pod',
      name: w.pod,
      address: w.ip ?? '-',
      locality: formatLocality(w.locality),
      ready: w.ready,
    });
  }
  for (const o of desired) {
    if (
      o.kind === 'WorkloadEntry' &&
      o.metadata.namespace === namespace &&
      o.metadata.name.startsWith(`k-${service}-`)
    ) {
      const port = Object.values(o.spec.ports ?? {})[0];
      rows.push({
        cluster: o.metadata.labels[SOURCE_CLUSTER_LABEL] ?? '?',
        kind: 'WorkloadEntry',
        name: o.metadata.name,
        address: `${o.spec.address}${port ? `:${port}` : ''}`,
        locality: o.spec.locality ?? '',
        ready: undefined,
      });
    }
    if (o.kind === 'ServiceEntry' && o.spec.hosts.includes(`${service}.${namespace}.svc.cluster.local`)) {
      for (const e of o.spec.endpoints ?? []) {
        const port = Object.values(e.ports ?? {})[0];
        rows.push({
          cluster: e.labels?.[SOURCE_CLUSTER_LABEL] ?? '?',
          kind: 'ServiceEntry endpoint',
          name: o.metadata.name,
          address: `${e.address}${port ? `:${port}` : ''}`,
          locality: e.locality ?? '',
          ready: undefined,
        });
      }
    }
  }
  const raw = rows.map((r) => rawPriority(client, parseLocality(r.locality), failover));
  const compact = compactPriorities(raw.map((r) => r.priority));
  const endpoints = rows
    .map((r, i) => ({
      ...r,
      rawPriority: raw[i]?.priority ?? 4,
      priority: compact[i] ?? 0,
      why: raw[i]?.reason ?? 'other',
    }))
    .sort((a, b) => a.priority - b.priority || byString(a.cluster, b.cluster) || byString(a.name, b.name));

  const decisions = input.plan.decisions.filter(
    (d) => d.client === from && d.service === service && d.namespace === namespace,
  );
  // A target is usable only if its gateway exports the service: the Gateway written there says so.
  const host = `${service}.${namespace}.svc.cluster.local`;
  const exportedBy = (cluster: string): string[] =>
    (input.plan.clusters[cluster] ?? []).flatMap((o) =>
      o.kind === 'Gateway' && o.spec.servers.some((x) => x.hosts.includes(host))
        ? [`${o.metadata.namespace ?? ''}/${o.metadata.name}`]
        : [],
    );
  const targets = decisions
    .filter((d) => d.target)
    .map((d) => {
      const gws = exportedBy(d.remote);
      const exported =
        gws.length > 0
          ? `exported by Gateway ${gws.join(', ')}`
          : 'exported by no Gateway: its gateway forwards nothing';
      return { cluster: d.remote, message: `${d.message}; ${exported}` };
    });
  const notTargets = decisions.flatMap((d) =>
    d.target ? [] : [{ cluster: d.remote, reason: d.reason, message: d.message }],
  );

  const warnings: string[] = [];
  if (!local)
    warnings.push(`${from} does not run ${namespace}/${service}: clients reach it only through other clusters`);
  for (const t of targets) {
    const shared = endpoints.filter(
      (e) => e.cluster === t.cluster && e.kind !== 'pod' && e.why !== 'other' && e.why !== 'failover-region',
    );
    if (shared.length === 0) continue;
    warnings.push(
      `${t.cluster}'s entries have locality ${shared[0]?.locality}, in ${from}'s region ${client.region}: they share priority levels with ${from}'s own pods, so traffic goes to ${t.cluster} even while ${from} is healthy. ` +
        `Fix: give ${t.cluster}'s East-West gateway pods a custom locality with an IngressGateway overlay (spec.kubeSpec.overlays: patch spec.template.metadata.labels.istio-locality, e.g. "eu-remote-1") and re-apply the gateway.`,
    );
  }
  if (local && local.workloads.filter((w) => w.ready).length === 0) {
    warnings.push(`${from} has no ready ${service} pod: every request goes to the next priority level`);
  }
  return {
    service,
    namespace,
    client: from,
    clientLocality: formatLocality(client),
    endpoints,
    targets,
    notTargets,
    warnings,
  };
}

/** Renders the report as text (what the CLI prints). */
export function formatExplain(r: ExplainReport): string {
  const lines: string[] = [];
  lines.push(
    `failover of ${r.service}.${r.namespace} for clients in ${r.client} (locality ${r.clientLocality || '(none)'})`,
  );
  lines.push('');
  if (r.endpoints.length === 0) lines.push('no endpoints');
  else {
    const table = [['PRIORITY', 'CLUSTER', 'ENDPOINT', 'ADDRESS', 'LOCALITY', 'HEALTH', 'WHY']];
    for (const e of r.endpoints) {
      table.push([
        `P${e.priority}`,
        e.cluster,
        `${e.kind === 'pod' ? 'pod' : e.kind === 'WorkloadEntry' ? 'we' : 'se'}/${e.name}`,
        e.address,
        e.locality || '(none)',
        e.ready === undefined ? 'outlier-checked' : e.ready ? 'ready' : 'not ready',
        `${WHY[e.why]} (raw P${e.rawPriority})`,
      ]);
    }
    const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => row[i]?.length ?? 0))) ?? [];
    for (const row of table)
      lines.push(
        row
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      );
  }
  lines.push('');
  lines.push('failover targets:');
  if (r.targets.length === 0) lines.push('  none');
  for (const t of r.targets) lines.push(`  ${t.cluster}: ${t.message}`);
  lines.push('not failover targets:');
  if (r.notTargets.length === 0) lines.push('  none');
  for (const t of r.notTargets) lines.push(`  ${t.cluster}: ${t.reason}: ${t.message}`);
  if (r.warnings.length > 0) {
    lines.push('warnings:');
    for (const w of r.warnings) lines.push(`  ${w}`);
  }
  return `${lines.join('\n')}\n`;
}
