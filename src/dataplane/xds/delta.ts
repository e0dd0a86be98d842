/**
 * The delta (incremental) side of the ADS client, as pure functions over the client's state: the requests that
 * (re)subscribe a type with what the proxy holds, the requests that change a subscription, and the decoding of a
 * `DeltaDiscoveryResponse` into resources to set and names to remove. The client (client.ts) sends and applies.
 */
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, ResourceKind } from '../../xds/index.js';
import { TYPE_URLS } from '../../xds/index.js';
import type { TypeState } from './snapshot.js';

/** One resource of a delta response, not decoded yet. */
export interface DeltaItem {
  readonly name: string;
  readonly version: string;
  readonly any: { readonly type_url: string; readonly value: Uint8Array };
}

/** Most resources one delta response may carry, and the longest name accepted (the parser's limits). */
export const MAX_DELTA_RESOURCES = 100_000;
export const MAX_RESOURCE_NAME = 4096;

/**
 * The first request of a type on a new stream: CDS and LDS subscribe to everything (the legacy wildcard: no
 * names), EDS and RDS to the names held; `initial_resource_versions` tells the server what is already held, so
 * a reconnect costs only what changed meanwhile.
 */
export function deltaSubscribe(kind: ResourceKind, s: TypeState<ResourceKind>): DeltaDiscoveryRequest {
  return {
    type_url: TYPE_URLS[kind],
    resource_names_subscribe: kind === 'cluster' || kind === 'listener' ? [] : [...s.names],
    initial_resource_versions: Object.fromEntries(s.versions),
  };
}

/** The request moving a by-name subscription from `before` to `after`, or undefined when they are the same. */
export function deltaResubscribe(
  kind: ResourceKind,
  before: readonly string[],
  after: readonly string[],
): DeltaDiscoveryRequest | undefined {
  const was = new Set(before);
  const now = new Set(after);
  const subscribe = after.filter((n) => !was.has(n));
  const unsubscribe = before.filter((n) => !now.has(n));
  if (subscribe.length === 0 && unsubscribe.length === 0) return undefined;
  return { type_url: TYPE_URLS[kind], resource_names_subscribe: subscribe, resource_names_unsubscribe: unsubscribe };
}

/**
 * The resources and removals of a delta response, checked for shape: every resource has a name within the limit
 * and an Any of the response's type, no name twice, no name both set and removed. Errors name the index.
 */
export function readDeltaResponse(
  res: DeltaDiscoveryResponse,
): { ok: true; items: DeltaItem[]; removed: string[] } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const items: DeltaItem[] = [];
  const seen = new Set<string>();
  const resources = res.resources ?? [];
  if (resources.length > MAX_DELTA_RESOURCES) {
    return { ok: false, errors: [`resources: ${resources.length} exceeds the limit of ${MAX_DELTA_RESOURCES}`] };
  }
  resources.forEach((r, i) => {
    const name = r.name ?? '';
    if (name === '' || name.length > MAX_RESOURCE_NAME) {
      errors.push(`resources[${i}].name: must be 1-${MAX_RESOURCE_NAME} characters`);
      return;
    }
    if (!r.resource) {
      errors.push(`resources[${i}] (${name}): no resource`);
      return;
    }
    if (r.resource.type_url !== res.type_url) {
      errors.push(`resources[${i}] (${name}): type ${r.resource.type_url} in a ${res.type_url} response`);
      return;
    }
    if (seen.has(name)) errors.push(`duplicate resource ${name}`);
    seen.add(name);
    items.push({ name, version: r.version ?? '', any: r.resource });
  });
  const removed = [...(res.removed_resources ?? [])];
  for (const name of removed) if (seen.has(name)) errors.push(`resource ${name} both set and removed`);
  return errors.length ? { ok: false, errors } : { ok: true, items, removed };
}
