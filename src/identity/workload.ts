/**
 * Workload provisioning for a cluster's pod runner: issue a pod's SPIFFE certificate under the shared root into
 * its cert dir (`cert.pem`, `key.pem`, `root.pem`, contract C.env `MB_CERT_DIR`) and keep it rotated.
 */
import { loadOrCreateRootCA } from './ca.js';
import type { RootCAOptions } from './ca.js';
import { issueWorkloadCert } from './issue.js';
import type { IssuedCertificate } from './issue.js';
import type { Stoppable } from './rotation.js';
import { startCertRotation } from './rotation.js';

/** Options of {@link provisionWorkloadCertificate}. */
export interface ProvisionOptions {
  /** Directory of the root CA (`$MESHBRIDGE_HOME/ca`); created on first use. */
  caDir: string;
  /** The cluster's trust domain (`cluster-1.local`). */
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
  /** Where to write the files (the pod's cert dir). */
  dir: string;
  /** Certificate lifetime; default 24 h (re-issued at two thirds). */
  lifetimeMs?: number;
  rootOptions?: RootCAOptions;
  onError?: (err: unknown) => void;
}

/**
 * Writes a first certificate (resolves once the files exist) and re-issues it before each expiry until `stop()`.
 * Rejects when the CA cannot be loaded or the first issue fails (e.g. an invalid namespace).
 */
export async function provisionWorkloadCertificate(options: ProvisionOptions): Promise<Stoppable> {
  const ca = await loadOrCreateRootCA(options.caDir, options.rootOptions);
  const identity = {
    trustDomain: options.trustDomain,
    namespace: options.namespace,
    serviceAccount: options.serviceAccount,
  };
  // The first certificate is issued here so a failure is reported to the caller instead of retried forever.
  const first = await issueWorkloadCert({ ca, identity, lifetimeMs: options.lifetimeMs });
  let pending: IssuedCertificate | undefined = first;
  let resolveFirst: () => void = () => {};
  const written = new Promise<void>((resolve) => (resolveFirst = resolve));
  const rotation = startCertRotation({
    dir: options.dir,
    rootPem: ca.certPem,
    issue: async () => {
      if (pending) {
        const p = pending;
        pending = undefined;
        return p;
      }
      return issueWorkloadCert({ ca, identity, lifetimeMs: options.lifetimeMs });
    },
    onIssued: () => resolveFirst(),
    onError: options.onError,
  });
  await written;
  return rotation;
}
