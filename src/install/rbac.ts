/**
 * The federation controller's permissions in a workload cluster, derived from the kinds it actually reads and
 * writes (the federation's INVENTORY_KINDS and OWNED_KINDS) so the ClusterRole can neither lag behind the
 * controller nor grant more than it uses: read-only on the inventory, write only on the generated kinds, nothing on
 * Secrets, ConfigMaps or anything else. The one core kind it writes, Namespace, is narrowed to the namespace it
 * owns: it may create namespaces (RBAC cannot name what does not exist yet) but update or delete only that one.
 */
import { KINDS } from '../api/index.js';
import { INVENTORY_KINDS, MULTICLUSTER_NAMESPACE, OWNED_KINDS } from '../federation/index.js';

/** One RBAC PolicyRule. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ['get', 'list', 'watch'] as const;
// The controller plans from its informers' caches and writes with create, update (PUT) and delete, never patch.
const WRITE = ['create', 'update', 'delete'] as const;

/** The rules, in a stable order: reads per API group, then writes per API group, then the namespace rules. */
export function controllerRules(): PolicyRule[] {
  const writable = OWNED_KINDS.filter((k) => k !== 'Namespace');
  return [
    ...groupRules([...new Set<string>([...INVENTORY_KINDS, ...OWNED_KINDS])], READ),
    ...groupRules(writable, WRITE),
    { apiGroups: [''], resources: ['namespaces'], verbs: ['create'] },
    {
      apiGroups: [''],
      resources: ['namespaces'],
      resourceNames: [MULTICLUSTER_NAMESPACE],
      verbs: ['update', 'delete'],
    },
  ];
}

/**
 * The management plane's permissions in its own cluster for the GitOps sync: its custom resources in every namespace
 * (read, write, and their status), nothing else.
 */
export function gitopsRules(): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const info of KINDS.filter((k) => k.scope === 'mgmt')) {
    byGroup.set(info.group, [...(byGroup.get(info.group) ?? []), info.plural]);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([group, plurals]) => [
      { apiGroups: [group], resources: plurals.sort(), verbs: [...READ, ...WRITE] },
      { apiGroups: [group], resources: plurals.map((p) => `${p}/status`).sort(), verbs: ['get', 'update'] },
    ]);
}

function groupRules(kinds: readonly string[], verbs: readonly string[]): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    const info = KINDS.find((k) => k.kind === kind && k.scope === 'cluster');
    if (!info) throw new Error(`the federation uses kind ${kind}, which the kind registry does not know`);
    byGroup.set(info.group, [...(byGroup.get(info.group) ?? []), info.plural]);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, resources]) => ({ apiGroups: [group], resources: resources.sort(), verbs: [...verbs] }));
}
