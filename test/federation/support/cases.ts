/**
 * Plan test cases: a readable YAML input per case (`plan-cases/<name>.yaml`) expanded into management-plane config
 * and per-cluster raw objects. Shorthands keep cases short:
 * - `locality: region/zone[/subzone]` makes the cluster's one Node with topology labels;
 * - `include: [bookinfo]` adds the upstream bookinfo.yaml Services in namespace `bookinfo` (labelled for injection)
 *   and one Running pod per Deployment;
 * - `gateways: [{name, namespace, addresses, podLabels, annotation, eastWestOnly}]` adds an IngressGateway, its
 *   LoadBalancer Service (addresses in `status.loadBalancer.ingress`; names that are not IPs become `hostname`)
 *   and one gateway pod;
 * - `objects: [...]` adds any other raw objects verbatim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { EXAMPLES } from '../../support/paths.js';
import { buildInventory, type ClusterInventory, type RawClusterObjects } from '../../../src/federation/inventory.js';
import type { FederationConfig } from '../../../src/federation/types.js';

interface GatewayShorthand {
  name?: string;
  namespace?: string;
  addresses?: string[];
  podLabels?: Record<string, string>;
  annotation?: string;
  eastWestOnly?: boolean;
}
interface ClusterCase {
  locality?: string;
  include?: string[];
  gateways?: GatewayShorthand[];
  /** Extra labels merged into services by name (after includes). */
  serviceLabels?: Record<string, Record<string, string>>;
  /** Services (by name) removed after includes, as if never deployed. */
  without?: string[];
  objects?: { kind?: string }[];
}
/** A parsed case file. */
export interface PlanCase {
  description: string;
  config: { kind?: string }[];
  clusters: Record<string, ClusterCase>;
  resolved?: Record<string, string[]>;
}

/** The config and inventories of a case, ready for `plan`. */
export interface ExpandedCase {
  config: FederationConfig;
  inventories: ClusterInventory[];
  raw: Record<string, RawClusterObjects>;
  resolved: Record<string, string[]>;
}

type Obj = Record<string, unknown> & { kind?: string; metadata?: Record<string, unknown> };

function bookinfo(clusterIndex: number): Obj[] {
  const docs = parseAllDocuments(readFileSync(join(EXAMPLES, 'bookinfo.yaml'), 'utf8')).map((d) => d.toJSON() as Obj);
  const out: Obj[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo', labels: { 'istio-injection': 'enabled' } } },
  ];
  let pod = 10;
  for (const d of docs) {
    if (!d?.kind) continue;
    if (d.kind === 'Service') out.push({ ...d, metadata: { ...d.metadata, namespace: 'bookinfo' } });
    if (d.kind === 'Deployment') {
      const spec = d.spec as {
        template: { metadata: { labels: Record<string, string> }; spec?: { serviceAccountName?: string } };
      };
      const serviceAccountName = spec.template.spec?.serviceAccountName;
      const name = `${String(d.metadata?.name)}-5d8f7c9b4-abcde`;
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'bookinfo', labels: spec.template.metadata.labels },
        // As the Deployment controller makes them: the template's service account is the pod's identity.
        spec: { nodeName: 'node-1', ...(serviceAccountName ? { serviceAccountName } : {}) },
        status: {
          phase: 'Running',
          podIP: `127.${clusterIndex}.0.${pod++}`,
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      });
    }
  }
  return out;
}

function gateway(g: GatewayShorthand, clusterIndex: number): Obj[] {
  const name = g.name ?? 'eastwest-gateway';
  const namespace = g.namespace ?? 'bookinfo';
  const ingress = (g.addresses ?? []).map((a) => (/^[\d.]+$|:/.test(a) ? { ip: a } : { hostname: a }));
  return [
    {
      apiVersion: 'install.tetrate.io/v1alpha1',
      kind: 'IngressGateway',
      metadata: { name, namespace },
      spec: { eastWestOnly: g.eastWestOnly ?? true },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace,
        labels: { app: name },
        ...(g.annotation ? { annotations: { 'xcp.tetrate.io/cluster-external-addresses': g.annotation } } : {}),
      },
      spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ name: 'tls', port: 15443 }] },
      status: { loadBalancer: { ingress } },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${name}-7b9c6d5f4-xyz12`, namespace, labels: { app: name, ...(g.podLabels ?? {}) } },
      spec: { nodeName: 'node-1' },
      status: { phase: 'Running', podIP: `127.${clusterIndex}.0.2`, conditions: [{ type: 'Ready', status: 'True' }] },
    },
  ];
}

/** Reads and expands a case file. */
export function loadCase(file: string): { case: PlanCase; expanded: ExpandedCase } {
  const c = parse(readFileSync(file, 'utf8')) as PlanCase;
  const config: FederationConfig = { workspaces: [], workspaceSettings: [], organizationSettings: [], clusters: [] };
  for (const o of c.config ?? []) {
    const kind = o.kind;
    if (kind === 'Workspace') config.workspaces.push(o as FederationConfig['workspaces'][number]);
    else if (kind === 'WorkspaceSetting')
      config.workspaceSettings.push(o as FederationConfig['workspaceSettings'][number]);
    else if (kind === 'OrganizationSetting')
      config.organizationSettings.push(o as FederationConfig['organizationSettings'][number]);
    else if (kind === 'Cluster') config.clusters.push(o as FederationConfig['clusters'][number]);
    else if (kind === 'FailoverPolicy')
      (config.failoverPolicies ??= []).push(o as NonNullable<FederationConfig['failoverPolicies']>[number]);
    else if (kind !== 'Organization' && kind !== 'Tenant') throw new Error(`unexpected config kind ${kind}`);
  }
  const raw: Record<string, RawClusterObjects> = {};
  const inventories: ClusterInventory[] = [];
  Object.entries(c.clusters).forEach(([cluster, cc], i) => {
    const objs: Obj[] = [];
    const [region = '', zone = '', subzone = ''] = (cc.locality ?? '').split('/');
    const labels: Record<string, string> = {};
    if (region) labels['topology.kubernetes.io/region'] = region;
    if (zone) labels['topology.kubernetes.io/zone'] = zone;
    if (subzone) labels['topology.istio.io/subzone'] = subzone;
    objs.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels } });
    if (cc.include?.includes('bookinfo')) objs.push(...bookinfo(i + 1));
    for (const g of cc.gateways ?? []) objs.push(...gateway(g, i + 1));
    objs.push(...((cc.objects ?? []) as Obj[]));
    for (const o of objs) {
      const extra = o.kind === 'Service' ? cc.serviceLabels?.[String(o.metadata?.name)] : undefined;
      if (extra) o.metadata = { ...o.metadata, labels: { ...(o.metadata?.labels as object), ...extra } };
    }
    const without = new Set(cc.without ?? []);
    const dropped = (o: Obj): boolean =>
      (o.kind === 'Service' && without.has(String(o.metadata?.name))) ||
      (o.kind === 'Pod' && without.has(String((o.metadata?.labels as Record<string, string> | undefined)?.app)));
    const r: RawClusterObjects = { namespaces: [], nodes: [], pods: [], services: [], ingressGateways: [] };
    for (const o of objs.filter((x) => !dropped(x))) {
      if (o.kind === 'Namespace') r.namespaces.push(o);
      else if (o.kind === 'Node') r.nodes.push(o);
      else if (o.kind === 'Pod') r.pods.push(o);
      else if (o.kind === 'Service') r.services.push(o);
      else if (o.kind === 'IngressGateway') r.ingressGateways.push(o);
    }
    // The gateway namespace exists even when bookinfo is not included.
    for (const g of cc.gateways ?? []) {
      const ns = g.namespace ?? 'bookinfo';
      if (!r.namespaces.some((n) => n.metadata?.name === ns)) r.namespaces.push({ metadata: { name: ns } });
    }
    raw[cluster] = r;
    inventories.push(buildInventory({ cluster, objects: r }));
  });
  return { case: c, expanded: { config, inventories, raw, resolved: c.resolved ?? {} } };
}
