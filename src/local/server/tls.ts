/**
 * The serving certificate of a local cluster's API. kubectl (client-go) sends a kubeconfig's bearer token only
 * over TLS, so the API serves HTTPS like kind's and k3d's: a certificate for the listening address (IP SAN) and
 * `localhost`, issued at every start by the home's API CA (`$MESHBRIDGE_HOME/api-ca`, separate from the mesh's
 * root so an API certificate can never pass for a workload), which the kubeconfig names as
 * `certificate-authority-data`.
 */
import { isIP } from 'node:net';
import { randomSerial, type CertificateAuthority } from '../../identity/index.js';
import { generateKeyPair, privateKeyToPem, SIGNING_ALGORITHM, x509 } from '../../identity/crypto.js';

/** A certificate and its key, as PEM. */
export interface ServingCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Validity of a serving certificate; a new one is issued at every cluster start anyway. */
const LIFETIME_MS = 365 * 86_400_000;

/** Issues a serverAuth certificate for `host` (an IP address or a DNS name) and `localhost`. */
export async function issueServingCertificate(ca: CertificateAuthority, host: string): Promise<ServingCertificate> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const names: { type: 'ip' | 'dns'; value: string }[] = [
    { type: isIP(host) ? 'ip' : 'dns', value: host },
    { type: 'dns', value: 'localhost' },
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${host}, O=meshbridge local API`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + LIFETIME_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
  return { certPem: `${cert.toString('pem')}\n`, keyPem: await privateKeyToPem(keys.privateKey) };
}
