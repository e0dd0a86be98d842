/**
 * The pure plan: (management-plane configuration, cluster inventories, DNS resolutions) -> the Istio objects every
 * cluster must hold (SEMANTICS.md section 3, contract E), plus every target decision and warning. No I/O: the
 * controller ingests, this translates, `apply.ts` writes the difference.
 */
import type { ClusterInventory } from './inventory.js';
import { parseLocality, type Locality } from './locality.js';
import { failoverPolicyFor, fqnOf, reachabilityOf, workspaceOf, byString } from './selection.js';
import { decideTarget, type ClusterFacts, type TargetDecision } from './targets.js';
import { destinationRule, eastWestGateway, multiclusterNamespace, serviceEntry, workloadEntries } from './generate.js';
import { exposureOf } from './exposure.js';
import { trustDomainPolicy } from './identity.js';
import type { FederationConfig, GeneratedObject } from './types.js';
import type { PassMemo, PlanMemo } from './plan-memo.js';

/** Inputs of `plan`. */
export interface PlanInput {
  config: FederationConfig;
  inventories: readonly ClusterInventory[];
  /** DNS name -> IPs, resolved before planning; a name missing here is unresolved and yields no entry. */
  resolved?: Readonly<Record<string, readonly string[]>>;
  /**
   * What earlier plans built, reused where its inputs are unchanged (plan-memo.ts); the output is the same with or
   * without it. The memo is updated: one caller's sequence of plans keeps one.
   */
  memo?: PlanMemo<ServicePlan>;
}

/** A problem that does not stop the plan (stable code, cluster/object it concerns). */
export interface PlanWarning {
  code: string;
  cluster?: string;
  subject: string;
  message: string;
}

/** Output of `plan`. */
export interface PlanOutput {
  /** Desired generated objects per cluster (every inventoried cluster has a key), sorted by kind, namespace, name. */
  clusters: Record<string, GeneratedObject[]>;
  /** One decision per (service, client cluster, other cluster), sorted. */
  decisions: TargetDecision[];
  warnings: PlanWarning[];
}

/** What planning one service in one client cluster produced (kept by a {@link PlanMemo}, so never changed). */
export interface ServicePlan {
  readonly objects: readonly GeneratedObject[];
  readonly decisions: readonly TargetDecision[];
  readonly warnings: readonly PlanWarning[];
}

/** Warning codes of the plan (federation runtime codes: MB70xx plan, MB71xx Kubernetes client; stable, never renumbered). */
export const PLAN_WARNINGS = {
  exposesAll: 'MB7001',
  noGatewayAddress: 'MB7002',
  unresolvedAddress: 'MB7003',
  unnamedPort: 'MB7004',
  noTrustDomain: 'MB7005',
} as const;

const KIND_ORDER = ['Namespace', 'AuthorizationPolicy', 'DestinationRule', 'ServiceEntry', 'WorkloadEntry', 'Gateway'];
/** Each kind's place in KIND_ORDER (sorting 20,000 objects looked it up some 400,000 times). */
const KIND_RANK: ReadonlyMap<string, number> = new Map(KIND_ORDER.map((k, i) => [k, i]));
const kindRank = (kind: string): number => KIND_RANK.get(kind) ?? -1;

type Setting = Parameters<typeof decideTarget>[0]['settings'][number];

/** Stage 1: the WorkspaceSettings in a stable order, each with its workspace; warns of settings exposing everything. */
function settingsOf(config: FederationConfig, warnings: PlanWarning[]): Setting[] {
  const settings = config.workspaceSettings
    .map((setting) => ({
      fqn: fqnOf('WorkspaceSetting', setting.metadata),
      setting,
      workspace: workspaceOf(config, setting),
    }))
    .sort((a, b) => byString(a.fqn, b.fqn));
  for (const s of settings) {
    for (const [i, item] of (s.setting.spec?.defaultEastWestGatewaySettings ?? []).entries()) {
      if ((item.exposedServices ?? []).length > 0) continue;
      warnings.push({
        code: PLAN_WARNINGS.exposesAll,
        subject: `WorkspaceSetting/${s.setting.metadata.name}`,
        message: `spec.defaultEastWestGatewaySettings[${i}] has no exposedServices: every service of the workspace is exposed`,
      });
    }
  }
  return settings;
}

/**
 * Stage 2: each cluster's trust domain (Cluster.spec.trustDomain): remote entries carry it, and every cluster's
 * sidecars accept exactly these domains. A cluster without one is named in a warning; its workloads are refused.
 */
function trustDomainsOf(config: FederationConfig, warnings: PlanWarning[]): Map<string, string> {
  const trustDomains = new Map<string, string>();
  for (const cl of [...config.clusters].sort((a, b) => byString(a.metadata.name ?? '', b.metadata.name ?? ''))) {
    const td = cl.spec?.trustDomain;
    if (td) {
      trustDomains.set(cl.metadata.name ?? '', td);
      continue;
    }
    warnings.push({
      code: PLAN_WARNINGS.noTrustDomain,
      cluster: cl.metadata.name ?? '',
      subject: `Cluster/${cl.metadata.name ?? ''}`,
      message: "spec.trustDomain is not set: sidecars of other clusters refuse this cluster's workloads",
    });
  }
  return trustDomains;
}

/** Stage 3: what the plan knows of each inventoried cluster (locality and network: the Cluster's spec wins). */
function clusterFacts(config: FederationConfig, inventories: readonly ClusterInventory[]): ClusterFacts[] {
  return [...inventories]
    .sort((a, b) => byString(a.cluster, b.cluster))
    .map((inv): ClusterFacts => {
      const cl = config.clusters.find((c) => c.metadata.name === inv.cluster);
      const spec = cl?.spec?.locality;
      const locality: Locality =
        spec?.region !== undefined ? parseLocality(`${spec.region}/${spec.zone ?? ''}`) : inv.locality;
      return {
        inventory: inv,
        services: new Map(inv.services.map((s) => [`${s.namespace}/${s.name}`, s])),
        network: cl?.spec?.network ?? inv.network ?? inv.cluster,
        locality,
      };
    });
}

/** What every client cluster's stage 4 shares. */
interface PlanContext {
  config: FederationConfig;
  settings: Setting[];
  reachability: ReturnType<typeof reachabilityOf>;
  facts: ClusterFacts[];
  serviceKeys: string[];
  serviceKeySet: ReadonlySet<string>;
  resolved: Readonly<Record<string, readonly string[]>>;
  trustDomains: Map<string, string>;
  policy: GeneratedObject | undefined;
  decisions: TargetDecision[];
  warnings: PlanWarning[];
}

/**
 * Stage 4, per client cluster and service: the target decisions against every other cluster, then the entries for
 * the targets (WorkloadEntries beside a local Service, else a ServiceEntry) and the failover DestinationRule. What it
 * reads is listed in plan-memo.ts, which reuses its answer while that is unchanged.
 */
function servicePlan(client: ClusterFacts, key: string, ctx: PlanContext): ServicePlan {
  const { config, settings, reachability, resolved, trustDomains } = ctx;
  const [namespace = '', service = ''] = key.split('/');
  const decisions: TargetDecision[] = [];
  const targets: Extract<TargetDecision, { target: true }>[] = [];
  for (const remote of ctx.facts) {
    if (remote === client) continue;
    const d = decideTarget({ config, settings, reachability, client, remote, namespace, service, resolved });
    decisions.push(d);
    if (d.target) targets.push(d);
  }
  if (targets.length === 0) return { objects: [], decisions, warnings: [] };
  const objects: GeneratedObject[] = [];
  const warnings: PlanWarning[] = [];
  const policy = failoverPolicyFor(config, client.inventory.cluster, namespace, service);
  const local = client.services.get(key);
  if (local) {
    for (const p of local.ports.filter((p) => !p.name)) {
      warnings.push({
        code: PLAN_WARNINGS.unnamedPort,
        cluster: client.inventory.cluster,
        subject: `Service/${namespace}/${service}`,
        message: `port ${p.port} has no name, so no WorkloadEntry can map it to the gateway port`,
      });
    }
    for (const t of targets) objects.push(...workloadEntries({ decision: t, local, trustDomains }));
    objects.push(
      destinationRule({ namespace, service, name: `meshbridge-failover-${service}`, decisions: targets, policy }),
    );
  } else {
    objects.push(serviceEntry({ decisions: targets, trustDomains }));
    objects.push(
      destinationRule({
        namespace,
        service,
        name: `meshbridge-failover-${service}-${namespace}`,
        inNamespace: multiclusterNamespaceName(),
        decisions: targets,
        policy,
      }),
    );
  }
  return { objects, decisions, warnings };
}

/**
 * Stage 4, per client cluster: every service's plan (reused from the memo where its inputs are unchanged), the
 * Gateways of what this cluster exports, and the trust-domain policy. Sorted for stable output.
 */
function objectsFor(
  client: ClusterFacts,
  ctx: PlanContext,
  memo: PassMemo<ServicePlan> | undefined,
): GeneratedObject[] {
  const out: GeneratedObject[] = [];
  for (const key of ctx.serviceKeys) {
    const make = () => servicePlan(client, key, ctx);
    const p = memo ? memo.plan(client, key, make) : make();
    for (const d of p.decisions) ctx.decisions.push(d);
    for (const w of p.warnings) ctx.warnings.push(w);
    for (const o of p.objects) out.push(o);
  }
  memo?.prune(client, ctx.serviceKeySet);
  if (out.some((o) => o.kind === 'ServiceEntry')) out.push(multiclusterNamespace());
  // What this cluster's gateways export is written as a Gateway each, whatever the other clusters do: the
  // gateway's listener is built from it alone.
  for (const exposure of exposureOf({
    inventory: client.inventory,
    workspaces: ctx.config.workspaces,
    settings: ctx.settings,
  })) {
    out.push(eastWestGateway(exposure));
  }
  if (ctx.policy) out.push(ctx.policy);
  return out.sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      byString(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
      byString(a.metadata.name, b.metadata.name),
  );
}

/** Stage 5: gateway problems, once per (cluster, gateway) and unresolved name, not once per service. */
function gatewayWarnings(decisions: readonly TargetDecision[]): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const seen = new Set<string>();
  for (const d of decisions) {
    if (d.target || d.reason !== 'no-gateway-address' || seen.has(d.remote)) continue;
    seen.add(d.remote);
    warnings.push({
      code: PLAN_WARNINGS.noGatewayAddress,
      cluster: d.remote,
      subject: 'IngressGateway',
      message: d.message,
    });
  }
  for (const d of decisions) {
    if (!d.target) continue;
    for (const g of d.gateways) {
      for (const name of g.unresolved) {
        const k = `${d.remote}/${g.namespace}/${g.name}/${name}`;
        if (seen.has(k)) continue;
        seen.add(k);
        warnings.push({
          code: PLAN_WARNINGS.unresolvedAddress,
          cluster: d.remote,
          subject: `IngressGateway/${g.namespace}/${g.name}`,
          message: `DNS name ${name} did not resolve; it yields no entry`,
        });
      }
    }
  }
  return warnings;
}

/** One client cluster's desired objects: a step of {@link planSteps}. */
export interface ClusterPlan {
  cluster: string;
  objects: GeneratedObject[];
}

/**
 * The plan one client cluster at a time, then the whole output: a caller can write a cluster while the next is
 * planned (the controller does; a cluster's objects never change once yielded). Pure and deterministic.
 */
export function* planSteps(input: PlanInput): Generator<ClusterPlan, PlanOutput, void> {
  const { config } = input;
  const warnings: PlanWarning[] = [];
  const settings = settingsOf(config, warnings);
  const trustDomains = trustDomainsOf(config, warnings);
  const facts = clusterFacts(config, input.inventories);
  const serviceKeys = [
    ...new Set(
      facts.flatMap((f) => f.inventory.services.filter((s) => !s.gateway).map((s) => `${s.namespace}/${s.name}`)),
    ),
  ].sort();
  const ctx: PlanContext = {
    config,
    settings,
    reachability: reachabilityOf(config.organizationSettings),
    facts,
    serviceKeys,
    serviceKeySet: new Set(serviceKeys),
    resolved: input.resolved ?? {},
    trustDomains,
    policy: trustDomainPolicy([...trustDomains.values()]),
    decisions: [],
    warnings,
  };
  const memo = input.memo?.begin({ config, resolved: ctx.resolved, facts });
  const clusters: Record<string, GeneratedObject[]> = {};
  for (const client of facts) {
    const objects = objectsFor(client, ctx, memo);
    clusters[client.inventory.cluster] = objects;
    yield { cluster: client.inventory.cluster, objects };
  }
  warnings.push(...gatewayWarnings(ctx.decisions));
  return { clusters, decisions: ctx.decisions, warnings };
}

/** Computes the desired objects of every cluster. Pure and deterministic (same input -> same output). */
export function plan(input: PlanInput): PlanOutput {
  const steps = planSteps(input);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function multiclusterNamespaceName(): string {
  return multiclusterNamespace().metadata.name;
}
