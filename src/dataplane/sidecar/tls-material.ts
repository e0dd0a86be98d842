/**
 * The workload certificate in use, swapped in place on rotation. Consumers read `current` per connection and
 * watch `generation` to rebuild cached agents or contexts.
 */
import { X509Certificate } from 'node:crypto';
import type { WorkloadMaterial } from '../../identity/index.js';
import { loadWorkloadMaterial, parseSpiffeId, uriSans, watchWorkloadFiles } from '../../identity/index.js';

/** Live TLS material of a proxy. */
export class TlsMaterial {
  current: WorkloadMaterial;
  roots: X509Certificate[];
  generation = 0;
  private readonly listeners: Array<(m: WorkloadMaterial) => void> = [];
  private readonly stopWatch: () => void;

  constructor(dir: string, intervalMs = 2000) {
    this.current = loadWorkloadMaterial(dir);
    this.roots = parseBundle(this.current.rootPem);
    this.trustDomain = ownTrustDomain(this.current.certPem);
    const w = watchWorkloadFiles({
      dir,
      intervalMs,
      onChange: (m) => {
        this.current = m;
        this.roots = parseBundle(m.rootPem);
        this.trustDomain = ownTrustDomain(m.certPem);
        this.generation++;
        for (const l of this.listeners) l(m);
      },
    });
    this.stopWatch = () => w.stop();
  }

  /**
   * The trust domain of this proxy's own SPIFFE ID (its cluster's), or undefined when the certificate carries
   * none. Inbound listeners accept this domain alone until the control plane names the organization's domains.
   */
  trustDomain: string | undefined;

  /** Calls `fn` after each rotation. */
  onRotate(fn: (m: WorkloadMaterial) => void): void {
    this.listeners.push(fn);
  }

  stop(): void {
    this.stopWatch();
  }
}

/** Splits a PEM bundle into certificates. */
export function parseBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

function ownTrustDomain(certPem: string): string | undefined {
  const uri = uriSans(new X509Certificate(certPem).subjectAltName)[0];
  return uri ? parseSpiffeId(uri)?.trustDomain : undefined;
}
