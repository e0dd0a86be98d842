/**
 * The checks every request to an embedded cluster's API passes before any handler sees it, in this order:
 *
 * 1. `Host` names the API's own address (`ip:port`, or `localhost:port`): a browser sends the attacker's host
 *    name after a DNS rebinding, so such a request never reaches the API even if it carries no credential at all.
 * 2. A bearer token, which names the caller (user-info.ts): the admin token of the cluster's kubeconfig (compared in
 *    constant time) is user `admin` in `system:masters`; a ServiceAccount token (service-account-tokens.ts) is
 *    `system:serviceaccount:<namespace>:<name>`; anything else is 401. The health endpoints are the only exception
 *    (they answer `ok` and nothing else, as kube-apiserver lets anyone read `/readyz`). What the caller may do is
 *    decided after the guard, by RBAC (authorization.ts).
 * 3. A body in one of the formats kubectl and client-node send (JSON, YAML, Kubernetes protobuf on POST/PUT and
 *    DELETE; the four patch formats on PATCH). A `text/plain` or form body is what a cross-site `<form>` or
 *    no-CORS `fetch` can send, so it is refused with 415 before it is read.
 *
 * No CORS header is ever sent: browsers keep every answer from other origins' pages.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isServiceAccountToken } from './service-account-tokens.js';
import { ApiError } from './status.js';
import { ADMIN_USER, type UserInfo } from './user-info.js';

/** Paths anyone on loopback may read (they answer `ok`). */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/livez']);

/** Fewest characters of an API token: 32 random bytes as base64url are 43. */
export const MIN_TOKEN_LENGTH = 43;

/** A new random API token: 32 bytes (256 bits) as base64url. */
export function newApiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Body media types of POST, PUT and DELETE (what kubectl's and client-node's serializers produce). */
const OBJECT_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
]);

/** Body media types of PATCH (they select the patch format). */
const PATCH_TYPES: ReadonlySet<string> = new Set([
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
  'application/apply-patch+yaml',
  'application/apply-patch+json',
]);

/** Options of the request guard; validated and frozen by `createGuard`. */
export interface GuardOptions {
  /** The bearer token every request must carry (at least MIN_TOKEN_LENGTH characters). */
  readonly token: string;
  /**
   * Authenticates ServiceAccount tokens (service-account-tokens.ts); without it only the admin token is accepted.
   */
  readonly serviceAccounts?: { authenticate(token: string): UserInfo | undefined };
}

/**
 * Checks one request and returns who sent it (undefined only for the public health paths); throws ApiError (403,
 * 401 or 415) when it must not be served. A connection upgrade (`{ upgrade: true }`: exec over WebSocket) passes the
 * Host and token checks and must carry no body at all.
 */
export type Guard = (
  req: IncomingMessage,
  path: string,
  ownAddress: string,
  kind?: { upgrade: boolean },
) => UserInfo | undefined;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The Host values a request may carry for a server listening at `ownAddress` (`ip:port`). */
export function allowedHosts(ownAddress: string): Set<string> {
  const colon = ownAddress.lastIndexOf(':');
  const ip = ownAddress.slice(0, colon);
  const port = ownAddress.slice(colon + 1);
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return new Set([`${host}:${port}`, `localhost:${port}`]);
}

/** The media type of a Content-Type header, lower case, without parameters ('' when absent). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Builds the guard of one API server. */
export function createGuard(options: GuardOptions): Guard {
  if (typeof options.token !== 'string' || options.token.length < MIN_TOKEN_LENGTH) {
    throw new TypeError(`the API token must be a string of at least ${MIN_TOKEN_LENGTH} characters`);
  }
  // Comparing digests keeps the comparison constant-time whatever length the presented token has.
  const expected = digest(options.token);
  const serviceAccounts = options.serviceAccounts;
  const authenticate = (token: string): UserInfo | undefined => {
    if (timingSafeEqual(digest(token), expected)) return ADMIN_USER;
    // The admin token is base64url only; a ServiceAccount token has its own prefix and dots, so neither can be
    // taken for the other.
    if (serviceAccounts && isServiceAccountToken(token)) return serviceAccounts.authenticate(token);
    return undefined;
  };
  return (req, path, ownAddress, kind) => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts(ownAddress).has(host)) {
      throw new ApiError('Forbidden', `host ${JSON.stringify(host.slice(0, 100))} is not this API server's address`);
    }
    if (PUBLIC_PATHS.has(path)) return undefined;
    const auth = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const user = auth ? authenticate(auth[1] ?? '') : undefined;
    if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
    if (kind?.upgrade) {
      if (hasBody(req)) throw new ApiError('BadRequest', 'an upgrade request carries no body');
      return user;
    }
    const method = req.method ?? '';
    const bodyMethod = method === 'POST' || method === 'PUT' || method === 'PATCH';
    if (!bodyMethod && !hasBody(req)) return user;
    const type = mediaType(req.headers['content-type']);
    const allowed = method === 'PATCH' ? PATCH_TYPES : OBJECT_TYPES;
    if (!allowed.has(type)) {
      throw new ApiError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format: ${JSON.stringify(type.slice(0, 100))} ` +
          `(accepted for ${method}: ${[...allowed].join(', ')})`,
      );
    }
    return user;
  };
}
