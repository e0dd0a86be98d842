/**
 * The federation's inventory of one cluster built from the same objects a mesh test translates, so explain and EDS
 * are asked about exactly one world (explain-equals-eds and explain-goldens).
 */
import type { MeshObject } from '../../../src/mesh/inputs.js';
import { buildInventory, type ClusterInventory } from '../../../src/federation/inventory.js';

/** `cluster`'s inventory from the Namespaces, Nodes, Pods and Services among `objects` (no gateways). */
export function inventoryOfMeshObjects(objects: readonly MeshObject[], cluster: string): ClusterInventory {
  const raw = objects as unknown as { kind: string }[];
  const of = <T>(kind: string): T[] => raw.filter((o) => o.kind === kind) as T[];
  return buildInventory({
    cluster,
    objects: {
      namespaces: of('Namespace'),
      nodes: of('Node'),
      pods: of('Pod'),
      services: of('Service'),
      ingressGateways: [],
    },
  });
}
