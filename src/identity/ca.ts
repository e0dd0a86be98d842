/**
 * Root certificate authority. One root is created per `$MESHBRIDGE_HOME` and shared by every cluster (each
 * cluster has its own trust domain under it), so a workload of cluster-1 can verify a workload of cluster-2.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CryptoKey } from './crypto.js';
import { generateKeyPair, privateKeyFromPem, privateKeyToPem, SIGNING_ALGORITHM, x509 } from './crypto.js';
import { IdentityError } from './errors.js';

/** A CA usable for signing: PEMs plus the imported signing key. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly keyPem: string;
  readonly cert: x509.X509Certificate;
  readonly signingKey: CryptoKey;
}

/** Options for {@link createRootCA}. */
export interface RootCAOptions {
  commonName?: string;
  /** Validity in days; default 3650. */
  lifetimeDays?: number;
  now?: Date;
}

/** Creates a self-signed ECDSA P-256 root CA (basicConstraints CA:true critical, keyCertSign|cRLSign). */
export async function createRootCA(options: RootCAOptions = {}): Promise<CertificateAuthority> {
  const now = options.now ?? new Date();
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.commonName ?? 'meshbridge root CA'}, O=meshbridge`,
    keys,
    serialNumber: randomSerial(),
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (options.lifetimeDays ?? 3650) * 86_400_000),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = await privateKeyToPem(keys.privateKey);
  return { certPem: cert.toString('pem') + '\n', keyPem, cert, signingKey: keys.privateKey };
}

/** Loads a CA from its PEM files. Throws IdentityError MB0601 when they are missing or unreadable. */
export async function loadCA(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  try {
    const cert = new x509.X509Certificate(certPem);
    const signingKey = await privateKeyFromPem(keyPem);
    return { certPem, keyPem, cert, signingKey };
  } catch (cause) {
    throw new IdentityError('MB0601', 'root CA material is unreadable', { cause });
  }
}

/** File names inside a CA directory. */
export const CA_FILES = { cert: 'root-cert.pem', key: 'root-key.pem' } as const;

/**
 * Loads the root CA from `dir`, creating it on first use (idempotent). The key file is written with mode 0600.
 */
export async function loadOrCreateRootCA(dir: string, options: RootCAOptions = {}): Promise<CertificateAuthority> {
  const certPath = join(dir, CA_FILES.cert);
  const keyPath = join(dir, CA_FILES.key);
  if (existsSync(certPath) && existsSync(keyPath)) {
    return loadCA(readFileSync(certPath, 'utf8'), readFileSync(keyPath, 'utf8'));
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = await createRootCA(options);
  writeFileSync(keyPath, ca.keyPem, { mode: 0o600 });
  writeFileSync(certPath, ca.certPem, { mode: 0o644 });
  return ca;
}

/** A random positive 128-bit serial number in hex (RFC 5280 wants unique, <= 20 octets, positive). */
export function randomSerial(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
