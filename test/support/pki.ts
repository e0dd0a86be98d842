/**
 * Test PKI: one mesh root with two trust domains, a foreign root, and the invalid certificates the security
 * tests present (expired, CA leaf, two URI SANs). Everything is real ECDSA P-256 X.509 from src/identity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateAuthority, IssuedCertificate } from '../../src/identity/index.js';
import { createRootCA, issueWorkloadCert, signCertificate, writeWorkloadFiles } from '../../src/identity/index.js';

/** The PKI shared by a test file. */
export interface TestPki {
  root: CertificateAuthority;
  otherRoot: CertificateAuthority;
  /** Writes a valid workload cert for (trustDomain, ns, sa) into a fresh temp dir and returns the dir. */
  workloadDir(trustDomain: string, namespace: string, serviceAccount: string): Promise<string>;
  issue(trustDomain: string, namespace: string, serviceAccount: string): Promise<IssuedCertificate>;
  bad: {
    otherRoot: IssuedCertificate;
    expired: IssuedCertificate;
    caLeaf: IssuedCertificate;
    twoUris: IssuedCertificate;
  };
}

/** Workload directories handed out, removed when the test process exits (their tests may use them until then). */
const dirs = new Set<string>();
process.once('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Builds a {@link TestPki}. ~50 ms. */
export async function createTestPki(): Promise<TestPki> {
  const root = await createRootCA({ commonName: 'test mesh root' });
  const otherRoot = await createRootCA({ commonName: 'foreign root' });
  const id = { trustDomain: 'cluster-1.local', namespace: 'bookinfo', serviceAccount: 'sleep' };
  const now = Date.now();
  const issue = (trustDomain: string, namespace: string, serviceAccount: string): Promise<IssuedCertificate> =>
    issueWorkloadCert({ ca: root, identity: { trustDomain, namespace, serviceAccount } });
  return {
    root,
    otherRoot,
    issue,
    async workloadDir(trustDomain, namespace, serviceAccount) {
      const dir = mkdtempSync(join(tmpdir(), 'mb-certs-'));
      dirs.add(dir);
      writeWorkloadFiles(dir, await issue(trustDomain, namespace, serviceAccount), root.certPem);
      return dir;
    },
    bad: {
      otherRoot: await issueWorkloadCert({ ca: otherRoot, identity: id }),
      expired: await signCertificate({
        issuer: root,
        commonName: 'expired',
        uris: ['spiffe://cluster-1.local/ns/bookinfo/sa/sleep'],
        notBefore: new Date(now - 48 * 3600_000),
        notAfter: new Date(now - 24 * 3600_000),
      }),
      caLeaf: await signCertificate({
        issuer: root,
        commonName: 'ca-leaf',
        uris: ['spiffe://cluster-1.local/ns/bookinfo/sa/sleep'],
        isCA: true,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 3600_000),
      }),
      twoUris: await signCertificate({
        issuer: root,
        commonName: 'two-uris',
        uris: ['spiffe://cluster-1.local/ns/bookinfo/sa/sleep', 'spiffe://cluster-1.local/ns/bookinfo/sa/admin'],
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 3600_000),
      }),
    },
  };
}
