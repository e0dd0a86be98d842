/**
 * Identity in the generated objects (pure): which SPIFFE IDs a remote service's servers present, and the
 * mesh-wide policy naming the organization's trust domains. Every cluster has its own trust domain and all share
 * one root CA, so a certificate from the root proves membership of the organization only when its trust domain
 * is one of the registered clusters': sidecars must refuse the rest (e.g. `spiffe://evil.local/...`).
 */
import type { InventoryService } from './inventory.js';
import { byString } from './selection.js';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  ROOT_NAMESPACE,
  TRUST_DOMAIN_POLICY,
  type GeneratedObject,
} from './types.js';

/** The distinct service accounts of a service's workloads (`default` when a pod names none), sorted. */
export function serviceAccountsOf(service: InventoryService): string[] {
  return [...new Set(service.workloads.map((w) => w.serviceAccount || 'default'))].sort(byString);
}

/** `spiffe://<trust domain>/ns/<namespace>/sa/<account>` for each service account of a remote service. */
export function spiffeIdsOf(service: InventoryService, trustDomain: string): string[] {
  return serviceAccountsOf(service).map((sa) => `spiffe://${trustDomain}/ns/${service.namespace}/sa/${sa}`);
}

/**
 * The mesh-wide `AuthorizationPolicy` written into every cluster's root namespace: DENY every peer whose principal
 * is not in one of `trustDomains` (`notPrincipals: ["<domain>/*", ...]`). Real Istio enforces it as written; the
 * embedded mesh turns it into the inbound listener's accepted trust domains. Undefined when no domain is known
 * (nothing to name; sidecars then accept their own domain only).
 */
export function trustDomainPolicy(trustDomains: readonly string[]): GeneratedObject | undefined {
  const domains = [...new Set(trustDomains)].sort(byString);
  if (domains.length === 0) return undefined;
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: {
      name: TRUST_DOMAIN_POLICY,
      namespace: ROOT_NAMESPACE,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    },
    spec: { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: domains.map((d) => `${d}/*`) } }] }] },
  };
}
