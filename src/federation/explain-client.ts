/**
 * The client `explain` ranks for, from a pod of the client cluster's inventory (`--client <pod>`): the mesh ranks
 * endpoints for each proxy by its namespace, labels and locality, so explain can too. Pure.
 */
import { CODES } from '../api/codes.js';
import type { ClusterInventory } from './inventory.js';
import type { ExplainClient } from './explain.js';

/** A pod name that is not in the cluster's inventory (only pods some Service selects are inventoried). */
export class ExplainClientError extends Error {
  readonly code = CODES.EXPLAIN_UNKNOWN_CLIENT.code;
  constructor(message: string) {
    super(message);
    this.name = 'ExplainClientError';
  }
}

/**
 * The client for pod `ref` (`name` or `namespace/name`) of `inventory`. Throws {@link ExplainClientError} naming
 * the cluster when no such pod backs a Service there, or when a bare name is found in several namespaces.
 */
export function clientOf(inventory: ClusterInventory | undefined, ref: string): ExplainClient {
  const slash = ref.indexOf('/');
  const [namespace, name] = slash < 0 ? [undefined, ref] : [ref.slice(0, slash), ref.slice(slash + 1)];
  const found = new Map<string, ExplainClient>();
  for (const s of inventory?.services ?? []) {
    if (namespace !== undefined && s.namespace !== namespace) continue;
    for (const w of s.workloads) {
      if (w.pod === name)
        found.set(`${s.namespace}/${w.pod}`, { namespace: s.namespace, labels: w.labels, locality: w.locality });
    }
  }
  const cluster = inventory?.cluster ?? '(unknown cluster)';
  if (found.size === 0) {
    throw new ExplainClientError(`no pod ${ref} backs a Service in ${cluster}: pass a pod some Service selects`);
  }
  if (found.size > 1) {
    throw new ExplainClientError(
      `pod name ${ref} is in several namespaces of ${cluster} (${[...found.keys()].join(', ')}): pass namespace/name`,
    );
  }
  return [...found.values()][0] as ExplainClient;
}
