/**
 * Pure selection rules of the management-plane configuration (SEMANTICS.md section 1): which workspace spans a
 * `cluster/namespace`, which networks reach which, which gateway settings item exposes a service.
 */
import { tsbFqn, type TsbKindName } from '../api/fqn.js';
import type {
  EastWestGatewaySetting,
  FailoverPolicy,
  FederationConfig,
  OrganizationSetting,
  Workspace,
  WorkspaceSetting,
} from './types.js';

const globCache = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('[^/]*');
    re = new RegExp(`^${body}$`);
    globCache.set(pattern, re);
  }
  return re;
}

/** Whether a `cluster/namespace` pattern (`*` matches any run of characters within one part) selects the pair. */
export function matchesNamespacePattern(pattern: string, cluster: string, namespace: string): boolean {
  const slash = pattern.indexOf('/');
  // A pattern without a cluster part (`bookinfo`) is read as `*/bookinfo`, the way TSB shows it.
  const [cp, np] = slash < 0 ? ['*', pattern] : [pattern.slice(0, slash), pattern.slice(slash + 1)];
  return glob(cp).test(cluster) && glob(np).test(namespace);
}

/** Whether the workspace spans `cluster/namespace`. */
export function workspaceSpans(ws: Workspace, cluster: string, namespace: string): boolean {
  return (ws.spec?.namespaceSelector?.names ?? []).some((p) => matchesNamespacePattern(p, cluster, namespace));
}

/** Stable identity of a TSB object: `organizations/o/tenants/t/workspaces/w/settings/n` style fqn. */
export function fqnOf(
  kind: TsbKindName,
  m: { organization?: string; tenant?: string; workspace?: string; name: string },
): string {
  return tsbFqn(kind, m);
}

/**
 * The FailoverPolicy for `namespace/service` as seen from `cluster`: one naming the service whose workspace is
 * stored and spans the namespace in that cluster; the first by fqn when several do.
 */
export function failoverPolicyFor(
  config: FederationConfig,
  cluster: string,
  namespace: string,
  service: string,
): { fqn: string; policy: FailoverPolicy } | undefined {
  return (config.failoverPolicies ?? [])
    .filter((p) => p.spec.service === `${namespace}/${service}`)
    .filter((p) => {
      const ws = workspaceOf(config, p);
      return ws !== undefined && workspaceSpans(ws, cluster, namespace);
    })
    .map((policy) => ({ fqn: fqnOf('FailoverPolicy', policy.metadata), policy }))
    .sort((a, b) => byString(a.fqn, b.fqn))[0];
}

/** The workspace a WorkspaceSetting or FailoverPolicy belongs to (same organization, tenant, workspace), if stored. */
export function workspaceOf(
  config: FederationConfig,
  setting: Pick<WorkspaceSetting, 'metadata'>,
): Workspace | undefined {
  const m = setting.metadata;
  return config.workspaces.find(
    (w) =>
      w.metadata.name === m.workspace &&
      (w.metadata.organization ?? '') === (m.organization ?? '') &&
      (w.metadata.tenant ?? '') === (m.tenant ?? ''),
  );
}

/** Directed network reachability: `from` -> set of `to` networks, or undefined when no rule exists at all. */
export type Reachability = Map<string, Set<string>> | undefined;

/** Collects the reachability rules of every OrganizationSetting (none at all = everything reaches everything). */
export function reachabilityOf(settings: readonly OrganizationSetting[]): Reachability {
  let rules: Map<string, Set<string>> | undefined;
  for (const s of settings) {
    for (const [from, to] of Object.entries(s.spec?.networkSettings?.networkReachability ?? {})) {
      rules ??= new Map();
      const set = rules.get(from) ?? new Set<string>();
      for (const n of to
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean))
        set.add(n);
      rules.set(from, set);
    }
  }
  return rules;
}

/** Whether clients on `from` may reach gateways on `to` (same network always; no rules = all). */
export function reaches(rules: Reachability, from: string, to: string): boolean {
  if (from === to) return true;
  if (rules === undefined) return true;
  return rules.get(from)?.has(to) ?? false;
}

/** Whether `labels` include every `selector` entry (an empty selector matches everything). */
export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * The first gateway settings item that exposes a service with these labels (SEMANTICS 1: first match wins; an item
 * without `exposedServices` exposes every service), with its index; undefined when none does.
 */
export function exposingItem(
  items: readonly EastWestGatewaySetting[],
  serviceLabels: Record<string, string>,
): { item: EastWestGatewaySetting; index: number } | undefined {
  for (const [index, item] of items.entries()) {
    const exposed = item.exposedServices ?? [];
    if (exposed.length === 0 || exposed.some((e) => labelsMatch(e.serviceLabels, serviceLabels))) {
      return { item, index };
    }
  }
  return undefined;
}

/** Code-point string order (stable across locales and much cheaper than `localeCompare` on large plans). */
export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
