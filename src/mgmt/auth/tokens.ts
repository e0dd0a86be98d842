/**
 * Bearer tokens: 32 random bytes, handed out once and stored only as a SHA-256 hash. A fast hash is enough because
 * the secret has 256 bits of entropy (nothing to brute-force); lookups go by hash, so no secret is ever compared.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../store/types.js';
import type { Principal, Role } from './roles.js';

/** Prefix that makes a meshbridge token recognisable (e.g. by secret scanners). */
export const TOKEN_PREFIX = 'mbt_';

/** A fresh random token. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Resolves a presented token to its principal, or undefined when unknown. */
export async function authenticate(store: Store, token: string): Promise<Principal | undefined> {
  const rec = await store.findTokenByHash(hashToken(token));
  return rec === undefined ? undefined : { name: rec.name, role: rec.role, scope: rec.scope };
}

/** Options for issuing a token. */
export interface IssueTokenOptions {
  store: Store;
  name: string;
  role: Role;
  scope?: Principal['scope'];
  /** When given, the token is written there with mode 0600 (the only place it ever appears). */
  file?: string;
}

/** Creates (or replaces) the token `name`; returns the secret for the caller to hand over once. */
export async function issueToken(opts: IssueTokenOptions): Promise<string> {
  const token = generateToken();
  await opts.store.putToken({
    name: opts.name,
    role: opts.role,
    scope: opts.scope ?? {},
    hash: hashToken(token),
    createdAt: new Date().toISOString(),
  });
  if (opts.file !== undefined) writeSecretFile(opts.file, token);
  return token;
}

/** Writes a secret file readable by its owner only (also tightening an existing file). */
export function writeSecretFile(path: string, secret: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Makes sure the admin token named `admin` exists: reuses the secret in `file` when present (so a restart or a fresh
 * database keeps working with the token the user already has), otherwise creates one and writes it there, unless
 * the store already holds one: a second replica over a shared database (its own empty home) must not replace the
 * admin token the first one issued. Returns whether `file` holds the admin token afterwards.
 */
export async function ensureAdminToken(store: Store, file: string): Promise<boolean> {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token !== '') {
      const known = await store.findTokenByHash(hashToken(token));
      if (known === undefined || known.name !== 'admin' || known.role !== 'org-admin') {
        await store.putToken({
          name: 'admin',
          role: 'org-admin',
          scope: {},
          hash: hashToken(token),
          createdAt: new Date().toISOString(),
        });
      }
      chmodSync(file, 0o600);
      return true;
    }
  }
  if ((await store.findTokenByName('admin')) !== undefined) return false;
  await issueToken({ store, name: 'admin', role: 'org-admin', file });
  return true;
}
