/**
 * Pure network-reachability logic for the editor (SEMANTICS.md section 1, OrganizationSetting):
 * `spec.networkSettings.networkReachability: {"<network>": "<network>,<network>"}` is directed — the key's
 * clients may reach gateways on the listed networks. Same-network pairs always reach each other. With no rule at
 * all every network reaches every other; once any rule exists, only the listed edges hold.
 */
import type { TsbObject } from './wire.js';

/** Directed rules: network -> networks it may reach. */
export type Rules = Map<string, string[]>;

/** A cluster as the explanation needs it. */
export interface ClusterNet {
  name: string;
  network: string;
}

/** Why a cluster does or does not get WorkloadEntries for another cluster's services. */
export interface PairVerdict {
  from: string;
  to: string;
  reachable: boolean;
  why: string;
}

function reachabilityMap(setting: TsbObject | undefined): Record<string, unknown> {
  const ns = setting?.spec?.networkSettings;
  const map = typeof ns === 'object' && ns !== null ? (ns as Record<string, unknown>).networkReachability : undefined;
  return typeof map === 'object' && map !== null ? (map as Record<string, unknown>) : {};
}

/** Reads the rules of an OrganizationSetting (absent or malformed parts read as no rules). */
export function rulesOf(setting: TsbObject | undefined): Rules {
  const rules: Rules = new Map();
  for (const [from, to] of Object.entries(reachabilityMap(setting))) {
    if (typeof to !== 'string') continue;
    const targets = to
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    rules.set(from, [...new Set(targets)]);
  }
  return rules;
}

/** Whether any rule exists (an empty target list still counts: the key is present). */
export function hasRules(rules: Rules): boolean {
  return rules.size > 0;
}

/** Whether clients on `from` may reach gateways on `to`. */
export function reaches(rules: Rules, from: string, to: string): boolean {
  if (from === to || !hasRules(rules)) return true;
  return rules.get(from)?.includes(to) ?? false;
}

/** Every directed rule as a pair list, sorted. */
export function ruleList(rules: Rules): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const [from, tos] of rules) for (const to of tos) out.push({ from, to });
  return out.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

function withRules(setting: TsbObject, rules: Rules): TsbObject {
  const copy = structuredClone(setting);
  const spec = (copy.spec ??= {});
  const networkSettings = (
    typeof spec.networkSettings === 'object' && spec.networkSettings !== null ? spec.networkSettings : {}
  ) as Record<string, unknown>;
  const map: Record<string, string> = {};
  for (const [from, tos] of [...rules].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (tos.length > 0) map[from] = tos.join(',');
  }
  if (Object.keys(map).length > 0) networkSettings.networkReachability = map;
  else delete networkSettings.networkReachability;
  spec.networkSettings = networkSettings;
  return copy;
}

/** The setting with the rule `from -> to` added (a copy; the input is not changed). */
export function addRule(setting: TsbObject, from: string, to: string): TsbObject {
  const rules = rulesOf(setting);
  const list = rules.get(from) ?? [];
  if (!list.includes(to)) list.push(to);
  rules.set(from, list);
  return withRules(setting, rules);
}

/** The setting with the rule `from -> to` removed (a copy). */
export function removeRule(setting: TsbObject, from: string, to: string): TsbObject {
  const rules = rulesOf(setting);
  rules.set(
    from,
    (rules.get(from) ?? []).filter((t) => t !== to),
  );
  return withRules(setting, rules);
}

/** For every ordered pair of clusters: does the first get entries for the second's services, and why. */
export function explain(clusters: readonly ClusterNet[], rules: Rules): PairVerdict[] {
  const out: PairVerdict[] = [];
  for (const a of clusters) {
    for (const b of clusters) {
      if (a.name === b.name) continue;
      const ok = reaches(rules, a.network, b.network);
      let why: string;
      if (a.network === b.network) why = `same network ${a.network}`;
      else if (!hasRules(rules)) why = 'no reachability rules: every network reaches every other';
      else if (ok) why = `rule ${a.network} -> ${b.network}`;
      else
        why =
          `${a.network} may not reach ${b.network} (no rule ${a.network} -> ${b.network}), ` +
          `so ${a.name} gets no WorkloadEntries for ${b.name}'s services`;
      out.push({ from: a.name, to: b.name, reachable: ok, why });
    }
  }
  return out;
}

/** The object to send to `/v2/apply`: identity and spec only (server-owned fields such as status stay out). */
export function forApply(setting: TsbObject): TsbObject {
  const m = setting.metadata;
  const metadata: TsbObject['metadata'] = { name: m.name };
  for (const k of ['organization', 'tenant', 'workspace', 'displayName', 'description'] as const) {
    if (typeof m[k] === 'string') metadata[k] = m[k];
  }
  return { apiVersion: setting.apiVersion, kind: setting.kind, metadata, spec: setting.spec ?? {} };
}

/** A new, empty OrganizationSetting for an organization that has none. */
export function newOrganizationSetting(organization: string): TsbObject {
  return {
    apiVersion: 'api.tsb.tetrate.io/v2',
    kind: 'OrganizationSetting',
    metadata: { organization, name: 'default' },
    spec: {},
  };
}

/** Per cluster, WorkloadEntry names that appeared and disappeared since a baseline. */
export function entryChanges(
  before: ReadonlyMap<string, ReadonlySet<string>>,
  after: ReadonlyMap<string, ReadonlySet<string>>,
): { cluster: string; added: string[]; removed: string[] }[] {
  const out: { cluster: string; added: string[]; removed: string[] }[] = [];
  for (const cluster of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(cluster) ?? new Set<string>();
    const a = after.get(cluster) ?? new Set<string>();
    const added = [...a].filter((n) => !b.has(n)).sort();
    const removed = [...b].filter((n) => !a.has(n)).sort();
    if (added.length > 0 || removed.length > 0) out.push({ cluster, added, removed });
  }
  return out;
}
