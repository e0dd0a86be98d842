/**
 * `explain failover`: the priority table a client in one cluster gets for one service, the clusters that are not
 * failover targets and why, and the same-region caveat. Pure: it reads a plan's output and the inventories, picks
 * the candidates and the DestinationRule by the mesh's rules and ranks them with the one priority engine
 * (`src/priority`), so its priorities are the ones the mesh puts in EDS.
 */
import {
  assignPriorities,
  decidePolicy,
  parseLocality,
  reasonText,
  selectDestinationRule,
  type Locality,
  type PriorityReasonCode,
} from '../priority/index.js';
import { byString } from './selection.js';
import { parseFailoverAnnotations } from '../api/index.js';
import { candidatesOf } from './explain-candidates.js';
import type { ClusterInventory, EntryHealth } from './inventory.js';
import { formatLocality } from './locality.js';
import type { PlanOutput } from './plan.js';
import type { FederationConfig, GeneratedObject } from './types.js';

/** One endpoint a client gets, with its priority. */
export interface ExplainEndpoint {
  cluster: string;
  kind: 'pod' | 'WorkloadEntry' | 'ServiceEntry endpoint';
  name: string;
  address: string;
  locality: string;
  ready: boolean | undefined;
  /**
   * In words: `ready` / `not ready` (a pod), `outlier-checked` (an entry nobody probes: only failing requests
   * eject it), or a probed entry's verdict: `probe ok`, `gateway down`, `remote service down`, `remote app down`.
   */
  health: EndpointHealth;
  /** A WorkloadEntry's probe verdict (the remote-service prober's `Healthy` condition). */
  probe?: EntryHealth;
  /** The engine's rank before compaction. */
  rawPriority: number;
  priority: number;
  /** The engine's stable reason code. */
  why: PriorityReasonCode;
  /** The reason in words (`same region, other zone`, `failover from us-east to us-west`, ...). */
  reason: string;
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

/** Who asks: a client workload's namespace, labels and locality (the mesh ranks for each proxy by these). */
export interface ExplainClient {
  /** The client's namespace: its DestinationRules come first (default: the service's namespace). */
  namespace?: string;
  /** The client's labels, compared by `failoverPriority` (default: none). */
  labels?: Record<string, string>;
  /** The client's locality (default: the cluster's, from its nodes or its Cluster object). */
  locality?: Locality;
}

/** Options of `explainFailover`. */
export interface ExplainInput {
  service: string;
  namespace: string;
  from: string;
  config: FederationConfig;
  inventories: readonly ClusterInventory[];
  plan: PlanOutput;
  client?: ExplainClient;
}

const SAME_REGION_CODES: ReadonlySet<PriorityReasonCode> = new Set(['same-subzone', 'same-zone', 'same-region']);

/** Builds the explain report. Pure. */
export function explainFailover(input: ExplainInput): ExplainReport {
  const { service, namespace, from } = input;
  const inv = input.inventories.find((i) => i.cluster === from);
  const cl = input.config.clusters.find((c) => c.metadata.name === from);
  const clusterLocality: Locality = cl?.spec?.locality?.region
    ? parseLocality(`${cl.spec.locality.region}/${cl.spec.locality.zone ?? ''}`)
    : (inv?.locality ?? { region: '', zone: '', subzone: '' });
  // A client's own locality is that of its node; inventories know the nodes better than the Cluster object.
  const client = input.client?.locality ?? (inv && inv.locality.region ? inv.locality : clusterLocality);
  const host = `${service}.${namespace}.svc.cluster.local`;
  const desired = input.plan.clusters[from] ?? [];
  const rules = desired.filter(
    (o): o is Extract<GeneratedObject, { kind: 'DestinationRule' }> => o.kind === 'DestinationRule',
  );
  const dr = selectDestinationRule(rules, host, input.client?.namespace ?? namespace, namespace);
  const decision = decidePolicy(dr?.spec.trafficPolicy, dr !== undefined, {
    failoverOrder: parseFailoverAnnotations(dr?.metadata.annotations).behaviour.failoverOrder,
  });

  const local = inv?.services.find((s) => s.namespace === namespace && s.name === service);
  const { candidates, notEndpoints } = candidatesOf({
    host,
    namespace,
    from,
    local,
    desired,
    ...(inv?.entryHealth ? { entryHealth: inv.entryHealth } : {}),
  });
  const ranked = assignPriorities(
    { locality: client, labels: input.client?.labels ?? {} },
    candidates.map((c) => ({ locality: parseLocality(c.locality), labels: c.labels })),
    decision.on ? decision.policy : decision.off,
  );
  const endpoints: ExplainEndpoint[] = candidates
    .map(({ labels: _labels, ...c }, i) => {
      // The engine returns one result per endpoint, in order.
      const r = ranked[i] ?? { priority: 0, rank: 0, reason: { code: 'other' as const } };
      return {
        ...c,
        health: healthOf(c),
        rawPriority: r.rank,
        priority: r.priority,
        why: r.reason.code,
        reason: reasonText(r.reason),
      };
    })
    .sort((a, b) => a.priority - b.priority || byString(a.cluster, b.cluster) || byString(a.name, b.name));

  const decisions = input.plan.decisions.filter(
    (d) => d.client === from && d.service === service && d.namespace === namespace,
  );
  // A target is usable only if its gateway exports the service: the Gateway written there says so.
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
  if (!decision.on && endpoints.some((e) => e.kind !== 'pod')) {
    warnings.push(
      `${reasonText({ code: 'priorities-off', off: decision.off })}: clients spread over every endpoint, local and remote alike`,
    );
  }
  const localLevels = new Set(endpoints.filter((e) => e.kind === 'pod').map((e) => e.priority));
  for (const t of targets) {
    const remote = endpoints.filter((e) => e.cluster === t.cluster && e.kind !== 'pod');
    // With failoverPriority the labels decide: entries on a local pod's level share its traffic.
    const byLabels = remote.filter((e) => e.why === 'failover-priority' && localLevels.has(e.priority));
    if (byLabels.length > 0) {
      warnings.push(
        `${t.cluster}'s entries are at P${byLabels[0]?.priority}, a level of ${from}'s own pods (${byLabels[0]?.reason}): they share its traffic even while ${from} is healthy. ` +
          `Fix: put a label first in failoverPriority that ${from}'s pods share with their clients and ${t.cluster}'s entries do not.`,
      );
    }
    // The same-region caveat: by locality, entries in the client's region share levels with its pods.
    const shared = remote.filter((e) => SAME_REGION_CODES.has(e.why));
    if (shared.length === 0) continue;
    warnings.push(
      `${t.cluster}'s entries have locality ${shared[0]?.locality}, in ${from}'s region ${client.region}: they share priority levels with ${from}'s own pods, so traffic goes to ${t.cluster} even while ${from} is healthy. ` +
        `Fix: give ${t.cluster}'s East-West gateway pods a custom locality with an IngressGateway overlay (spec.kubeSpec.overlays: patch spec.template.metadata.labels.istio-locality, e.g. "eu-remote-1") and re-apply the gateway.`,
    );
  }
  // Probes tell a dead gateway from a dead remote service before any request has to find out.
  for (const cluster of [...new Set(endpoints.filter((e) => e.probe).map((e) => e.cluster))].sort(byString)) {
    const probed = endpoints.filter((e) => e.cluster === cluster && e.probe);
    const down = probed.filter((e) => e.probe?.healthy === false);
    if (down.length === 0) continue;
    const what = [...new Set(down.map((e) => e.health))].join(', ');
    warnings.push(
      down.length === probed.length
        ? `${cluster}'s entries fail their probes (${what}: ${down[0]?.probe?.message}): clients skip them, so failover to ${cluster} is not available`
        : `${down.length} of ${probed.length} of ${cluster}'s entries fail their probes (${what}): clients skip those`,
    );
  }
  warnings.push(...notEndpoints);
  if (local && local.workloads.filter((w) => w.ready).length === 0) {
    warnings.push(
      `${from} has no ready ${service} pod (local service down): every request goes to the next priority level`,
    );
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

/** An endpoint's health in words (see {@link ExplainEndpoint.health}). */
export type EndpointHealth =
  'ready' | 'not ready' | 'outlier-checked' | 'probe ok' | 'gateway down' | 'remote service down' | 'remote app down';

function healthOf(c: { kind: string; ready: boolean | undefined; probe?: EntryHealth }): EndpointHealth {
  if (c.probe) {
    if (c.probe.healthy) return 'probe ok';
    if (c.probe.reason === 'GatewayUnreachable') return 'gateway down';
    if (c.probe.reason === 'RemoteApplicationDown') return 'remote app down';
    return 'remote service down';
  }
  if (c.kind !== 'pod' || c.ready === undefined) return 'outlier-checked';
  return c.ready ? 'ready' : 'not ready';
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
        e.health,
        `${e.reason} (raw P${e.rawPriority})`,
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
