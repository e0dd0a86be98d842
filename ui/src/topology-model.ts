/**
 * Pure: topology edges -> graph elements. Services are grouped by cluster (one compound node per cluster); a
 * client is shown as its app (workload name without its `-vN` version) so `reviews-v2 -> ratings` hangs off
 * the same `reviews` node that productpage calls.
 */
import type { EdgeStats } from './wire.js';

/** A node: a cluster (compound) or a service in a cluster. */
export interface NodeModel {
  id: string;
  label: string;
  parent?: string;
  kind: 'cluster' | 'service';
}

/** An edge with its label and the classes that style it. */
export interface EdgeModel {
  id: string;
  source: string;
  target: string;
  label: string;
  rps: number;
  errorShare: number;
  crossCluster: boolean;
  classes: string[];
}

/** `details.bookinfo.svc.cluster.local` -> `details`; a short name stays as is. */
export function serviceName(fqdn: string): string {
  return fqdn.split('.')[0] ?? fqdn;
}

/** `productpage-v1` -> `productpage`. */
export function appName(workload: string): string {
  return workload.replace(/-v\d+$/, '');
}

/** Node id of a service in a cluster. */
export function nodeId(cluster: string, service: string): string {
  return `${cluster}/${service}`;
}

/** Error share above which an edge is drawn as failing. */
export const ERROR_THRESHOLD = 0.05;

/** Formats an edge label: rate and error share. */
export function edgeLabel(e: Pick<EdgeStats, 'rps' | 'errorShare'>): string {
  return `${e.rps.toFixed(1)} rps · ${(e.errorShare * 100).toFixed(0)}% err`;
}

/** Builds the graph for a set of edges. */
export function graphOf(edges: readonly EdgeStats[]): { nodes: NodeModel[]; edges: EdgeModel[] } {
  const nodes = new Map<string, NodeModel>();
  const addService = (cluster: string, name: string): string => {
    const parent = `cluster:${cluster}`;
    if (!nodes.has(parent)) nodes.set(parent, { id: parent, label: cluster, kind: 'cluster' });
    const id = nodeId(cluster, name);
    if (!nodes.has(id)) nodes.set(id, { id, label: name, parent, kind: 'service' });
    return id;
  };
  const out: EdgeModel[] = [];
  for (const e of edges) {
    const source = addService(e.sourceCluster, appName(e.sourceWorkload));
    const target = addService(e.destinationCluster, serviceName(e.destinationService));
    const classes: string[] = [];
    if (e.crossCluster) classes.push('cross-cluster');
    if (e.errorShare > ERROR_THRESHOLD) classes.push('failing');
    out.push({
      id: e.id,
      source,
      target,
      label: edgeLabel(e),
      rps: e.rps,
      errorShare: e.errorShare,
      crossCluster: e.crossCluster,
      classes,
    });
  }
  // Parents before children: cytoscape drops the parent of a node added before its parent exists.
  const rank = (n: NodeModel): number => (n.kind === 'cluster' ? 0 : 1);
  const sorted = [...nodes.values()].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  return { nodes: sorted, edges: out.sort((a, b) => a.id.localeCompare(b.id)) };
}
