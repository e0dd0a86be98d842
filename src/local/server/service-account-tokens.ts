/**
 * ServiceAccount tokens of one embedded cluster: bearer tokens that authenticate as
 * `system:serviceaccount:<namespace>:<name>`, like the tokens kube-controller-manager writes into
 * `kubernetes.io/service-account-token` Secrets.
 *
 * A token is `mbsa1.<payload>.<mac>`: the payload is base64url JSON naming the namespace, the ServiceAccount and its
 * `metadata.uid`; the mac is HMAC-SHA256 of `mbsa1.<payload>` under the cluster's signing key (a random 32-byte key
 * in the cluster's state directory, mode 0600, made once and kept across restarts like the admin token). The dots
 * keep a token from ever looking like the admin token (base64url only), and the prefix names the format version.
 *
 * A token is valid only while its ServiceAccount exists with the same uid: deleting the ServiceAccount revokes every
 * token issued for it, even when one of the same name is created again (it gets a new uid). Tokens do not expire
 * otherwise (like Kubernetes' legacy Secret-based tokens). The same ServiceAccount always gets the same token, so
 * the token controller can tell a Secret is up to date by comparing strings.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { loadOrCreateSecretFile, readSecretFile } from '../secret-file.js';
import type { ResourceRef, StoredObject } from '../store/types.js';
import { serviceAccountUserInfo, type UserInfo } from './user-info.js';

/** Prefix of every ServiceAccount token (format version 1). */
export const TOKEN_PREFIX = 'mbsa1.';

/** Bytes of a signing key. */
const KEY_BYTES = 32;

const SERVICE_ACCOUNTS: ResourceRef = { group: '', plural: 'serviceaccounts' };

/** The part of the cluster store tokens need: reading one ServiceAccount. */
export interface ServiceAccountSource {
  get(ref: ResourceRef, namespace: string | undefined, name: string): StoredObject | undefined;
}

/** Issues and checks the ServiceAccount tokens of one cluster. */
export interface ServiceAccountTokens {
  /** The token of ServiceAccount `namespace/name`, or undefined when that ServiceAccount does not exist. */
  issue(namespace: string, name: string): string | undefined;
  /** The identity a token stands for, or undefined when it is not a valid token of a ServiceAccount that exists. */
  authenticate(token: string): UserInfo | undefined;
}

/** Options of `createServiceAccountTokens`. */
export interface ServiceAccountTokenOptions {
  /** The cluster's signing key (`loadOrCreateSigningKey`), at least 32 bytes. */
  readonly key: Buffer;
  /** Where ServiceAccounts are looked up (the cluster store), on every issue and every authentication. */
  readonly serviceAccounts: ServiceAccountSource;
}

interface Payload {
  readonly ns: string;
  readonly sa: string;
  readonly uid: string;
}

/** Builds the token issuer/checker of a cluster. */
export function createServiceAccountTokens(options: ServiceAccountTokenOptions): ServiceAccountTokens {
  if (!Buffer.isBuffer(options.key) || options.key.length < KEY_BYTES) {
    throw new TypeError(`the ServiceAccount signing key must be at least ${KEY_BYTES} bytes`);
  }
  const key = Buffer.from(options.key);
  const { serviceAccounts } = options;
  const mac = (signed: string): Buffer => createHmac('sha256', key).update(signed, 'utf8').digest();
  const uidOf = (namespace: string, name: string): string | undefined => {
    const uid = serviceAccounts.get(SERVICE_ACCOUNTS, namespace, name)?.metadata.uid;
    return typeof uid === 'string' && uid !== '' ? uid : undefined;
  };
  return {
    issue(namespace, name) {
      const uid = uidOf(namespace, name);
      if (uid === undefined) return undefined;
      const payload: Payload = { ns: namespace, sa: name, uid };
      const signed = `${TOKEN_PREFIX}${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
      return `${signed}.${mac(signed).toString('base64url')}`;
    },
    authenticate(token) {
      const parts = parseToken(token);
      if (!parts) return undefined;
      const expected = mac(parts.signed);
      // Equal lengths first (timingSafeEqual needs them); the length of a MAC is no secret.
      if (parts.mac.length !== expected.length || !timingSafeEqual(parts.mac, expected)) return undefined;
      const payload = decodePayload(parts.payload);
      if (!payload || uidOf(payload.ns, payload.sa) !== payload.uid) return undefined;
      return serviceAccountUserInfo(payload.ns, payload.sa);
    },
  };
}

/** Whether a bearer token has the shape of a ServiceAccount token (says nothing about its validity). */
export function isServiceAccountToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function parseToken(token: string): { signed: string; payload: string; mac: Buffer } | undefined {
  if (!isServiceAccountToken(token) || token.length > 4096) return undefined;
  const rest = token.slice(TOKEN_PREFIX.length).split('.');
  const [payload, mac] = rest;
  if (rest.length !== 2 || !payload || !mac || !BASE64URL.test(payload) || !BASE64URL.test(mac)) return undefined;
  return { signed: `${TOKEN_PREFIX}${payload}`, payload, mac: Buffer.from(mac, 'base64url') };
}

function decodePayload(text: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { ns, sa, uid } = value as Record<string, unknown>;
    if (typeof ns !== 'string' || typeof sa !== 'string' || typeof uid !== 'string') return undefined;
    return { ns, sa, uid };
  } catch {
    return undefined;
  }
}

/** A new random signing key. */
export function newSigningKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Whether `text` is a signing key of ours: base64url of at least KEY_BYTES bytes. */
const isSigningKey = (text: string): boolean =>
  BASE64URL.test(text) && Buffer.from(text, 'base64url').length >= KEY_BYTES;

/**
 * The signing key stored in `file` (base64url text); a new one is written (0600) when the file is missing or holds
 * no valid key. Losing the file revokes every token issued before (the controller then writes new ones).
 */
export function loadOrCreateSigningKey(file: string): Buffer {
  const text = loadOrCreateSecretFile(file, isSigningKey, () => newSigningKey().toString('base64url'));
  return Buffer.from(text, 'base64url');
}

/** The key stored in `file`, or undefined when missing or not a key of ours. */
export function readSigningKey(file: string): Buffer | undefined {
  const text = readSecretFile(file, isSigningKey);
  return text === undefined ? undefined : Buffer.from(text, 'base64url');
}
