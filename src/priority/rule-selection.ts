/**
 * Which DestinationRule decides the priorities of a host for a client: Istio's precedence, shared by the mesh
 * (EDS) and `explain` so both read the same rule. Pure; takes rules structurally.
 */

/** The Kubernetes service domain: a bare rule host `details` in namespace `bookinfo` is `details.bookinfo.<this>`. */
export const SERVICE_DOMAIN = 'svc.cluster.local';

/** The parts of a DestinationRule that decide which host it applies to. */
export interface HostRule {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly host?: string };
}

/** The host a rule applies to, fully qualified: a bare name is resolved in the rule's namespace, as Istio does. */
export function ruleHost(rule: HostRule): string {
  const host = rule.spec?.host ?? '';
  return host.includes('.') || host.includes('*')
    ? host
    : `${host}.${rule.metadata.namespace ?? 'default'}.${SERVICE_DOMAIN}`;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  return pattern.startsWith('*') && host.endsWith(pattern.slice(1));
}

/**
 * The rule that applies to `host` for a client in `clientNamespace`: Istio's precedence, a rule in the client's
 * namespace first, then one in the service's namespace, then any other; an exact host beats a wildcard; ties go
 * to the first in `rules` order.
 */
export function selectDestinationRule<R extends HostRule>(
  rules: readonly R[],
  host: string,
  clientNamespace: string,
  serviceNamespace: string,
): R | undefined {
  const score = (dr: R): number => {
    const ns = dr.metadata.namespace ?? 'default';
    const nsScore = ns === clientNamespace ? 0 : ns === serviceNamespace ? 1 : 2;
    return nsScore * 2 + (ruleHost(dr) === host ? 0 : 1);
  };
  let best: R | undefined;
  for (const dr of rules) {
    if (!hostMatches(ruleHost(dr), host)) continue;
    if (!best || score(dr) < score(best)) best = dr;
  }
  return best;
}
