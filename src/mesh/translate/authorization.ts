/**
 * Which trust domains a sidecar's inbound listener accepts, from the AuthorizationPolicies of the snapshot. The
 * embedded mesh enforces one policy shape, the one the federation writes into every cluster (and that a real
 * Istio enforces the same way): in the root namespace, without a selector (mesh-wide), `action: DENY`, whose every
 * rule is `from: [{source: {notPrincipals: ["<trust domain>/*", ...]}}]` — "deny any peer outside these trust
 * domains". Several such policies all apply, so the accepted set is their intersection. Other policies are not
 * enforced by the embedded mesh (documented); entries other than `<domain>/*` accept nothing (fail closed).
 */
import type { AuthorizationPolicy } from '../inputs.js';
import type { Snapshot } from '../snapshot.js';

/** Istio's root namespace: mesh-wide policies live here. */
export const ROOT_NAMESPACE = 'istio-system';

const DOMAIN_PATTERN = /^([a-z0-9._-]+)\/\*$/;

/**
 * The accepted trust domains (sorted), or `undefined` when no policy of the enforced shape exists: the sidecar
 * then accepts its own trust domain only.
 */
export function peerTrustDomains(snapshot: Snapshot): string[] | undefined {
  let accepted: Set<string> | undefined;
  for (const policy of snapshot.authorizationPolicies) {
    const domains = trustDomainsOf(policy);
    if (!domains) continue;
    accepted = accepted ? new Set([...accepted].filter((d) => domains.has(d))) : domains;
  }
  return accepted ? [...accepted].sort() : undefined;
}

/** The domains one policy accepts, or undefined when it is not of the enforced shape. */
export function trustDomainsOf(policy: AuthorizationPolicy): Set<string> | undefined {
  const spec = policy.spec;
  if ((policy.metadata.namespace ?? 'default') !== ROOT_NAMESPACE) return undefined;
  if (!spec || spec.action !== 'DENY' || spec.selector || !spec.rules?.length) return undefined;
  let accepted: Set<string> | undefined;
  for (const rule of spec.rules) {
    const froms = rule.from ?? [];
    if (froms.length !== 1) return undefined;
    const source = froms[0]?.source;
    if (!source?.notPrincipals || source.principals || source.namespaces || source.notNamespaces) return undefined;
    const domains = new Set<string>();
    for (const p of source.notPrincipals) {
      const m = DOMAIN_PATTERN.exec(p);
      if (m?.[1]) domains.add(m[1]);
    }
    accepted = accepted ? new Set([...accepted].filter((d) => domains.has(d))) : domains;
  }
  return accepted;
}
