/**
 * Who may open an ADS stream. The server listens on loopback, which every local user can reach; the full config
 * (every service, endpoint and gateway address of the cluster) is only for the cluster's own proxies, which carry
 * the cluster's token as `authorization: Bearer <token>` gRPC metadata.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Longest `authorization` value read; a longer one is refused unparsed. */
const MAX_AUTHORIZATION_LENGTH = 1024;

/** A token: 32 to 256 URL-safe characters (what `randomBytes(32).toString('base64url')` gives). */
export function isValidAdsToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{32,256}$/.test(token);
}

/**
 * Whether the call's `authorization` metadata values are exactly one `Bearer <token>`. Compared as SHA-256 digests
 * with `timingSafeEqual`, so timing reveals neither the token nor its length.
 */
export function adsTokenMatches(values: readonly unknown[], token: string): boolean {
  if (values.length !== 1) return false;
  const value = values[0];
  if (typeof value !== 'string' || value.length > MAX_AUTHORIZATION_LENGTH) return false;
  const m = /^Bearer +(\S+) *$/i.exec(value);
  if (!m) return false;
  const given = createHash('sha256').update(m[1]!).digest();
  return timingSafeEqual(given, createHash('sha256').update(token).digest());
}
