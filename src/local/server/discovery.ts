/**
 * Discovery documents of the embedded API server, derived from the kind table: `/api`, `/api/v1`, `/apis`,
 * `/apis/<group>`, `/apis/<group>/<version>`. kubectl and client-node build their REST mappings (and resolve short
 * names such as `we`) from these. Only cluster-scoped kinds (scope `cluster`) are served, plus the read-only
 * `events.k8s.io/v1` view of Events (events-v1.ts).
 */
import { KINDS, apiVersionOf, type KindInfo } from '../../api/index.js';
import { EVENTS_V1_KIND } from './events-v1.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_VERBS = ['get', 'list', 'watch'];
const ALL_CATEGORY = new Set(['pods', 'services', 'deployments', 'replicasets']);

/** Kinds this server serves: the registry's cluster kinds, and the read-only `events.k8s.io/v1` view of Events. */
export const SERVED_KINDS: readonly KindInfo[] = [...KINDS.filter((k) => k.scope === 'cluster'), EVENTS_V1_KIND];

/** Whether a served kind only answers reads. */
export function readOnlyKind(kind: KindInfo): boolean {
  return kind === EVENTS_V1_KIND;
}

/** Kinds whose `status` is a subresource (a main-resource write keeps the stored status). */
export const STATUS_SUBRESOURCE = new Set(['pods', 'deployments', 'replicasets', 'services', 'nodes', 'namespaces']);

/** The served kind for a group, version and plural. */
export function servedKind(group: string, version: string, plural: string): KindInfo | undefined {
  return SERVED_KINDS.find((k) => k.group === group && k.plural === plural && k.versions.includes(version));
}

/** `/api`: the core group's versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of SERVED_KINDS) {
    if (k.group === '') continue;
    const versions = out.get(k.group) ?? [];
    for (const v of k.versions) if (!versions.includes(v)) versions.push(v);
    out.set(k.group, versions);
  }
  return out;
}

function groupEntry(name: string, versions: string[]): Record<string, unknown> {
  const gv = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

/** `/apis`: every named group with its versions (the first listed is preferred). */
export function apiGroupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups()].map(([name, versions]) => groupEntry(name, versions)),
  };
}

/** `/apis/<group>`, or undefined for an unknown group. */
export function apiGroup(group: string): Record<string, unknown> | undefined {
  const versions = groups().get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when nothing is served there. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const kinds = SERVED_KINDS.filter((k) => k.group === group && k.versions.includes(version));
  if (kinds.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const k of kinds) {
    resources.push({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: readOnlyKind(k) ? READ_VERBS : VERBS,
      ...(k.shortNames.length > 0 ? { shortNames: [...k.shortNames] } : {}),
      ...(ALL_CATEGORY.has(k.plural) ? { categories: ['all'] } : {}),
    });
    if (STATUS_SUBRESOURCE.has(k.plural)) {
      resources.push({
        name: `${k.plural}/status`,
        singularName: '',
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
    if (k.plural === 'deployments') {
      resources.push({
        name: 'deployments/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}
