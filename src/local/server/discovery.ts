/**
 * Discovery documents of the embedded API server, derived from the kind table: `/api`, `/api/v1`, `/apis`,
 * `/apis/<group>`, `/apis/<group>/<version>`. kubectl and client-node build their REST mappings (and resolve short
 * names such as `we`) from these. Only cluster-scoped kinds (scope `cluster`) are served, plus the read-only
 * `events.k8s.io/v1` view of Events (events-v1.ts) and the kinds the stored CRDs define (custom-kinds.ts), which
 * every function here takes as `custom`.
 */
import { KINDS, apiVersionOf, type KindInfo } from '../../api/index.js';
import { isCustomKind } from './custom-kinds.js';
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

/** Built-in kinds whose `status` is a subresource (a main-resource write keeps the stored status). */
export const STATUS_SUBRESOURCE = new Set(['pods', 'deployments', 'replicasets', 'services', 'nodes', 'namespaces']);

/** Whether a served kind's `status` is a subresource: a built-in one above, or a CRD's that declares it. */
export function hasStatusSubresource(kind: KindInfo): boolean {
  return isCustomKind(kind) ? kind.custom.status : STATUS_SUBRESOURCE.has(kind.plural);
}

/** Every served kind: the built-in ones, then the CRDs'. */
export function servedKinds(custom: readonly KindInfo[] = []): readonly KindInfo[] {
  return custom.length === 0 ? SERVED_KINDS : [...SERVED_KINDS, ...custom];
}

/** The served kind for a group, version and plural. */
export function servedKind(
  group: string,
  version: string,
  plural: string,
  custom: readonly KindInfo[] = [],
): KindInfo | undefined {
  return servedKinds(custom).find((k) => k.group === group && k.plural === plural && k.versions.includes(version));
}

/** `/api`: the core group's versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groups(custom: readonly KindInfo[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of servedKinds(custom)) {
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
export function apiGroupList(custom: readonly KindInfo[] = []): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups(custom)].map(([name, versions]) => groupEntry(name, versions)),
  };
}

/** `/apis/<group>`, or undefined for an unknown group. */
export function apiGroup(group: string, custom: readonly KindInfo[] = []): Record<string, unknown> | undefined {
  const versions = groups(custom).get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when nothing is served there. */
export function apiResourceList(
  group: string,
  version: string,
  custom: readonly KindInfo[] = [],
): Record<string, unknown> | undefined {
  const kinds = servedKinds(custom).filter((k) => k.group === group && k.versions.includes(version));
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
    if (hasStatusSubresource(k)) {
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
