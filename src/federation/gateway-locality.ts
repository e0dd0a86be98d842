/**
 * Where an East-West gateway runs, as the WorkloadEntries pointing at it say: read from its ready pods only. A pod
 * that never became ready (a rollout stuck in a crash loop, a pod still starting) does not serve, so it must not
 * move the entries' locality; during a rollout the newest ready pod wins, as it is where traffic goes next. When
 * ready pods disagree (mid-rollout, or replicas labelled differently) the disagreement is reported, not failed.
 */
import { formatLocality, type Locality } from './locality.js';

/** A gateway pod as the rule needs it. */
export interface GatewayLocalityPod {
  name: string;
  ready: boolean;
  /** RFC 3339; newer wins among ready pods. */
  created?: string;
  locality: Locality;
}

/** The outcome of {@link gatewayLocality}. */
export interface GatewayLocality {
  locality: Locality;
  /** `ready-pod`: the newest ready pod's; `fallback`: no pod is ready (the cluster's locality). */
  source: 'ready-pod' | 'fallback';
  /** Set when ready pods carry different localities: each distinct locality with its pods, the chosen one first. */
  disagreement?: { locality: string; pods: string[] }[];
}

/** Pure: the locality of a gateway's entries from its pods (any order), else `fallback`. */
export function gatewayLocality(pods: readonly GatewayLocalityPod[], fallback: Locality): GatewayLocality {
  const ready = pods
    .filter((p) => p.ready)
    .sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '') || a.name.localeCompare(b.name));
  const chosen = ready[0];
  if (!chosen) return { locality: fallback, source: 'fallback' };
  const groups = new Map<string, string[]>();
  for (const p of ready) {
    const key = formatLocality(p.locality);
    groups.set(key, [...(groups.get(key) ?? []), p.name]);
  }
  if (groups.size === 1) return { locality: chosen.locality, source: 'ready-pod' };
  return {
    locality: chosen.locality,
    source: 'ready-pod',
    disagreement: [...groups].map(([locality, names]) => ({ locality, pods: names })),
  };
}

/** One line for status: which ready pods disagree and which locality the entries use. */
export function describeDisagreement(gateway: string, result: GatewayLocality): string | undefined {
  if (!result.disagreement) return undefined;
  const parts = result.disagreement.map((d) => `${d.locality || '(none)'}: ${d.pods.join(', ')}`);
  return `${gateway}: ready pods disagree on locality (${parts.join('; ')}); entries use ${formatLocality(result.locality) || '(none)'}, the newest ready pod's`;
}
