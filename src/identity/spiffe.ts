/**
 * SPIFFE identities as Istio writes them: `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`.
 */

/** A parsed workload identity. */
export interface SpiffeId {
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Renders a SPIFFE ID URI. Returns undefined when a part is not a valid segment. */
export function formatSpiffeId(id: SpiffeId): string | undefined {
  if (!TRUST_DOMAIN.test(id.trustDomain) || !SEGMENT.test(id.namespace) || !SEGMENT.test(id.serviceAccount)) {
    return undefined;
  }
  return `spiffe://${id.trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}

/** Parses an Istio-shaped SPIFFE ID; anything else (other paths, query, port, case) gives undefined. */
export function parseSpiffeId(uri: string): SpiffeId | undefined {
  const m = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(uri);
  if (!m) return undefined;
  const [, trustDomain = '', namespace = '', serviceAccount = ''] = m;
  const id = { trustDomain, namespace, serviceAccount };
  return formatSpiffeId(id) === uri ? id : undefined;
}
