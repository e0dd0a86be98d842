/**
 * Server certificates for meshbridge's own HTTPS listeners (the management plane of local clusters): issued by the
 * home's root CA for the exact addresses the server listens on, so a client that trusts that CA verifies the
 * server's name as usual (IP or DNS subject alternative names; never a wildcard).
 */
import { isIP } from 'node:net';
import type { CertificateAuthority } from './ca.js';
import { randomSerial } from './ca.js';
import { generateKeyPair, privateKeyToPem, SIGNING_ALGORITHM, x509 } from './crypto.js';
import { IdentityError } from './errors.js';
import type { IssuedCertificate } from './issue.js';

/** Default lifetime of a serving certificate: 90 days (re-issued on every start). */
export const DEFAULT_SERVING_LIFETIME_MS = 90 * 86_400_000;

/** Options of {@link issueServingCert}. */
export interface ServingCertOptions {
  ca: CertificateAuthority;
  /** Host names and IP addresses the certificate is for (at least one). */
  hosts: readonly string[];
  lifetimeMs?: number;
  now?: Date;
}

/** Issues a serverAuth-only leaf for `hosts` (IP SANs for addresses, DNS SANs for names). Throws MB0602 without a host. */
export async function issueServingCert(options: ServingCertOptions): Promise<IssuedCertificate> {
  if (options.hosts.length === 0) throw new IdentityError('MB0602', 'a serving certificate needs at least one host');
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + (options.lifetimeMs ?? DEFAULT_SERVING_LIFETIME_MS));
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${options.hosts[0]}, O=meshbridge`,
    issuer: options.ca.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: options.ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(options.ca.cert.publicKey),
      new x509.SubjectAlternativeNameExtension(
        options.hosts.map((h) => ({ type: isIP(h) === 0 ? ('dns' as const) : ('ip' as const), value: h })),
      ),
    ],
  });
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: await privateKeyToPem(keys.privateKey),
    notBefore,
    notAfter,
  };
}
