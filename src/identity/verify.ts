/**
 * Peer verification for mTLS listeners. OpenSSL already checks the chain and dates during the handshake (the
 * listeners use `rejectUnauthorized`), but it accepts things a mesh must not: a CA certificate presented as a
 * leaf, several URI SANs, or a URI that is not a SPIFFE workload ID. `verifyPeer` checks all of it again, in one
 * pure function, so the listener can refuse before a single byte reaches the application.
 */
import { X509Certificate } from 'node:crypto';
import type { SpiffeId } from './spiffe.js';
import { parseSpiffeId } from './spiffe.js';

/** Why a peer was refused. Stable codes, used in logs and metrics. */
export type PeerRejection =
  'no_certificate' | 'untrusted_chain' | 'expired' | 'not_yet_valid' | 'ca_leaf' | 'bad_san' | 'trust_domain';

/** Result of {@link verifyPeer}. */
export type PeerVerification =
  { ok: true; identity: SpiffeId; uri: string } | { ok: false; reason: PeerRejection; detail: string };

/** Options for {@link verifyPeer}. */
export interface VerifyPeerOptions {
  /** Accepted trust domains; undefined or empty accepts every trust domain under the roots. */
  trustDomains?: readonly string[];
  now?: Date;
}

/** Input certificate: DER/PEM bytes or an already parsed certificate. */
export type CertInput = X509Certificate | Buffer | string;

const toCert = (c: CertInput): X509Certificate => (c instanceof X509Certificate ? c : new X509Certificate(c));

/**
 * Verifies a peer's chain (leaf first, then intermediates as sent) against `roots`: every certificate within its
 * validity at `now`, each signed by the next, the last signed by a root; the leaf is not a CA and carries exactly
 * one URI SAN that is an Istio SPIFFE ID in an accepted trust domain. Pure apart from signature math; never throws.
 */
export function verifyPeer(
  chainInput: readonly CertInput[],
  rootsInput: readonly CertInput[],
  options: VerifyPeerOptions = {},
): PeerVerification {
  let chain: X509Certificate[];
  let roots: X509Certificate[];
  try {
    chain = chainInput.map(toCert);
    roots = rootsInput.map(toCert);
  } catch (err) {
    return { ok: false, reason: 'untrusted_chain', detail: `unparseable certificate: ${(err as Error).message}` };
  }
  const leaf = chain[0];
  if (!leaf) return { ok: false, reason: 'no_certificate', detail: 'peer presented no certificate' };
  const now = (options.now ?? new Date()).getTime();
  for (const cert of chain) {
    if (Date.parse(cert.validTo) < now) return { ok: false, reason: 'expired', detail: `expired ${cert.validTo}` };
    if (Date.parse(cert.validFrom) > now) {
      return { ok: false, reason: 'not_yet_valid', detail: `not valid before ${cert.validFrom}` };
    }
  }
  if (!chainsToRoot(chain, roots)) {
    return { ok: false, reason: 'untrusted_chain', detail: 'chain does not lead to a trusted root' };
  }
  if (leaf.ca) return { ok: false, reason: 'ca_leaf', detail: 'leaf certificate is a CA' };
  const uris = uriSans(leaf.subjectAltName);
  if (uris.length !== 1 || uris[0] === undefined) {
    return { ok: false, reason: 'bad_san', detail: `expected exactly one URI SAN, found ${uris.length}` };
  }
  const identity = parseSpiffeId(uris[0]);
  if (!identity) return { ok: false, reason: 'bad_san', detail: `not a SPIFFE workload ID: ${uris[0]}` };
  const domains = options.trustDomains ?? [];
  if (domains.length > 0 && !domains.includes(identity.trustDomain)) {
    return { ok: false, reason: 'trust_domain', detail: `trust domain ${identity.trustDomain} not accepted` };
  }
  return { ok: true, identity, uri: uris[0] };
}

function chainsToRoot(chain: readonly X509Certificate[], roots: readonly X509Certificate[]): boolean {
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as X509Certificate;
    // A chain may end with the root itself; accept when this certificate *is* a root.
    if (roots.some((r) => r.fingerprint256 === cert.fingerprint256)) return i > 0;
    if (roots.some((r) => cert.checkIssued(r) && cert.verify(r.publicKey))) return true;
    const next = chain[i + 1];
    if (!next || !next.ca || !cert.checkIssued(next) || !cert.verify(next.publicKey)) return false;
  }
  return false;
}

/**
 * URI entries of Node's `subjectAltName` string (`DNS:a, URI:spiffe://x, ...`). Node JSON-quotes entries that
 * contain separators, so quoted values are decoded rather than split.
 */
export function uriSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const out: string[] = [];
  const re = /(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g;
  for (let m = re.exec(subjectAltName); m; m = re.exec(subjectAltName)) {
    if (m[1] !== 'URI') continue;
    const raw = m[2] ?? '';
    out.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
  }
  return out;
}

/**
 * Reads the peer chain from a TLS socket (leaf first, walking `issuerCertificate` until self-reference).
 * Returns [] when the peer sent no certificate.
 */
export function peerChain(socket: {
  getPeerCertificate(detailed: true): { raw?: Buffer; issuerCertificate?: unknown } | object;
}): X509Certificate[] {
  type Detailed = { raw?: Buffer; issuerCertificate?: Detailed };
  let cur = socket.getPeerCertificate(true) as Detailed;
  const out: X509Certificate[] = [];
  const seen = new Set<Detailed>();
  while (cur && cur.raw && !seen.has(cur)) {
    seen.add(cur);
    out.push(new X509Certificate(cur.raw));
    cur = cur.issuerCertificate as Detailed;
  }
  return out;
}
