/**
 * What changed in a proxy's resources between two pushes, computed once for all proxies that share the lists.
 *
 * Translation keeps its output lists stable (translate/reuse.ts `stableList`): a proxy whose resources did not
 * change gets the very same array again, and proxies of one role, namespace and locality share one array per
 * type. So the ADS server decides "nothing to send" by identity in O(1) per proxy, and when something changed it
 * diffs each distinct (before, after) pair once; every other proxy with that pair reuses the result. The work of
 * one endpoint change is then one diff per group of proxies plus one small response per subscribed proxy, not a
 * comparison of every resource of every proxy.
 */
import { createHash } from 'node:crypto';
import { resourceName, type XdsObject } from '../xds-types.js';

const versions = new WeakMap<XdsObject, string>();

/**
 * The version of a resource: a hash of its content, computed once per object (translation output is immutable
 * and reused). Equal content gives equal versions across snapshots and control-plane restarts, which is what a
 * delta client's `initial_resource_versions` are compared with.
 */
export function resourceVersion(r: XdsObject): string {
  let v = versions.get(r);
  if (v === undefined) {
    v = createHash('sha1').update(JSON.stringify(r)).digest('base64url');
    versions.set(r, v);
  }
  return v;
}

/** A subscription: every resource (`'*'`), or a set of names with a key identifying the set. */
export type Subscription = { readonly wildcard: true } | { readonly names: ReadonlySet<string>; readonly key: string };

const selections = new WeakMap<readonly XdsObject[], Map<string, readonly XdsObject[]>>();

/**
 * The resources of `all` a subscription selects, in `all`'s order: `all` itself for a wildcard, otherwise one
 * array shared by every proxy with the same list and the same names (so the diff below is shared too).
 */
export function selectResources(all: readonly XdsObject[], sub: Subscription): readonly XdsObject[] {
  if ('wildcard' in sub) return all;
  let byKey = selections.get(all);
  if (!byKey) selections.set(all, (byKey = new Map()));
  let selected = byKey.get(sub.key);
  if (!selected) {
    selected = Object.freeze(all.filter((r) => sub.names.has(resourceName(r))));
    byKey.set(sub.key, selected);
  }
  return selected;
}

/** Key of a by-name subscription for {@link selectResources}: its sorted names. */
export function subscriptionKey(names: Iterable<string>): string {
  return [...names].sort().join('\n');
}

/** The difference between two lists of one type. */
export interface ResourceDiff {
  /** Resources that are new or whose version changed, in `after`'s order. */
  readonly changed: readonly XdsObject[];
  /** Names present before and absent after. */
  readonly removed: readonly string[];
}

const EMPTY: ResourceDiff = Object.freeze({ changed: Object.freeze([]), removed: Object.freeze([]) });
const diffs = new WeakMap<readonly XdsObject[], { before: readonly XdsObject[] | undefined; diff: ResourceDiff }>();

/**
 * `after` compared with `before` (undefined: nothing held yet, everything is new). Objects are compared by
 * identity first and by version only when they differ, so unchanged (reused) resources cost one comparison.
 * The last result per `after` is cached: proxies that held the same `before` share it.
 */
export function diffResources(before: readonly XdsObject[] | undefined, after: readonly XdsObject[]): ResourceDiff {
  if (before === after) return EMPTY;
  const hit = diffs.get(after);
  if (hit && hit.before === before) return hit.diff;
  const old = new Map<string, XdsObject>();
  for (const r of before ?? []) old.set(resourceName(r), r);
  const changed: XdsObject[] = [];
  for (const r of after) {
    const name = resourceName(r);
    const o = old.get(name);
    if (o === undefined || (o !== r && resourceVersion(o) !== resourceVersion(r))) changed.push(r);
    old.delete(name);
  }
  const diff: ResourceDiff =
    changed.length === 0 && old.size === 0 ? EMPTY : Object.freeze({ changed, removed: [...old.keys()] });
  diffs.set(after, { before, diff });
  return diff;
}
