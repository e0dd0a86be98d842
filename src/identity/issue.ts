/**
 * Issuing workload certificates. Each cluster issues under the shared root with its own trust domain, so
 * identities are `spiffe://cluster-1.local/ns/bookinfo/sa/bookinfo-details` and peers in any cluster verify
 * them against the one root.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateAuthority } from './ca.js';
import { randomSerial } from './ca.js';
import { generateKeyPair, privateKeyToPem, SIGNING_ALGORITHM, x509 } from './crypto.js';
import { IdentityError } from './errors.js';
import type { SpiffeId } from './spiffe.js';
import { formatSpiffeId } from './spiffe.js';

/** Default workload certificate lifetime: 24 h, like Istio. */
export const DEFAULT_WORKLOAD_LIFETIME_MS = 24 * 3600_000;

/** Parameters of the signing primitive. Workload issuing uses it; tests use it to craft invalid certificates. */
export interface SignOptions {
  issuer: CertificateAuthority;
  /** Subject CN. */
  commonName: string;
  /** URI SANs, in order (a workload certificate has exactly one). */
  uris: readonly string[];
  /** Marks the certificate as a CA (basicConstraints CA:true); never for a workload. */
  isCA?: boolean;
  notBefore: Date;
  notAfter: Date;
}

/** An issued certificate with its private key, as PEM. `certPem` holds the leaf only (issued from the root). */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Signs a fresh P-256 key into a certificate. Low level: it checks nothing about the identity. */
export async function signCertificate(options: SignOptions): Promise<IssuedCertificate> {
  const keys = await generateKeyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.isCA === true, undefined, true),
    new x509.KeyUsagesExtension(
      options.isCA === true
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature
        : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(options.issuer.cert.publicKey),
  ];
  if (options.uris.length > 0) {
    // SPIFFE requires the SAN extension to be critical when the subject is empty; we set a CN, keep it non-critical
    // like Istio does.
    extensions.push(
      new x509.SubjectAlternativeNameExtension(options.uris.map((u) => ({ type: 'url' as const, value: u }))),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${options.commonName}, O=meshbridge`,
    issuer: options.issuer.cert.subject,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: options.issuer.signingKey,
    extensions,
  });
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: await privateKeyToPem(keys.privateKey),
    notBefore: options.notBefore,
    notAfter: options.notAfter,
  };
}

/** Options for {@link issueWorkloadCert}. */
export interface WorkloadCertOptions {
  ca: CertificateAuthority;
  identity: SpiffeId;
  lifetimeMs?: number;
  now?: Date;
}

/**
 * Issues a workload certificate: single URI SAN with the SPIFFE ID, not a CA, serverAuth+clientAuth, valid
 * from one minute ago (clock skew) for `lifetimeMs` (24 h default). Throws MB0602 on an invalid identity.
 */
export async function issueWorkloadCert(options: WorkloadCertOptions): Promise<IssuedCertificate> {
  const uri = formatSpiffeId(options.identity);
  if (uri === undefined) {
    throw new IdentityError('MB0602', `invalid SPIFFE identity ${JSON.stringify(options.identity)}`);
  }
  const now = options.now ?? new Date();
  return signCertificate({
    issuer: options.ca,
    commonName: `${options.identity.serviceAccount}.${options.identity.namespace}`,
    uris: [uri],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (options.lifetimeMs ?? DEFAULT_WORKLOAD_LIFETIME_MS)),
  });
}

/** File names a sidecar or gateway reads from `MB_CERT_DIR` (contract C.env). */
export const WORKLOAD_FILES = { cert: 'cert.pem', key: 'key.pem', root: 'root.pem' } as const;

/**
 * Writes `cert.pem`, `key.pem` (0600) and `root.pem` into `dir`. Each file is written to a temporary name and
 * renamed, so a reader never sees a half-written file; the key is renamed last-but-one and the cert last, so a
 * reader that reloads on cert change always finds the matching key.
 */
export function writeWorkloadFiles(dir: string, issued: IssuedCertificate, rootPem: string): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, data: string, mode: number): void => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, join(dir, name));
  };
  put(WORKLOAD_FILES.root, rootPem, 0o644);
  put(WORKLOAD_FILES.key, issued.keyPem, 0o600);
  put(WORKLOAD_FILES.cert, issued.certPem, 0o644);
}
