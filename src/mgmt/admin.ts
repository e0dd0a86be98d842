/**
 * Server-side administration run next to the store (not over HTTP): issuing tokens. The secret is written to a file
 * with mode 0600 and never printed, so it reaches no terminal log or CI output.
 */
import { join } from 'node:path';
import { SCOPE_FIELDS, isRole } from './auth/roles.js';
import type { Principal } from './auth/roles.js';
import { issueToken } from './auth/tokens.js';
import { openStore } from './store/open.js';

/** Options of `createTokenFile`. */
export interface CreateTokenOptions {
  home: string;
  /** Store URL; default `sqlite:<home>/mgmt.db` as the server uses. */
  store?: string;
  name: string;
  role: string;
  scope: Principal['scope'];
  /** Where to write the token; default `<home>/tokens/<name>`. */
  out?: string;
}

/** Issues (or replaces) a token and returns the file holding it. */
export async function createTokenFile(opts: CreateTokenOptions): Promise<string> {
  if (!isRole(opts.role))
    throw new Error(`unknown role ${opts.role} (org-admin, tenant-admin, workspace-writer, reader)`);
  const role = opts.role;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(opts.name)) throw new Error(`token name ${opts.name} must be a plain name`);
  for (const f of SCOPE_FIELDS[role]) {
    if (opts.scope[f] === undefined) throw new Error(`role ${role} needs --${f === 'organization' ? 'org' : f}`);
  }
  const scope = Object.fromEntries(Object.entries(opts.scope).filter(([, v]) => v !== undefined));
  const file = opts.out ?? join(opts.home, 'tokens', opts.name);
  const store = await openStore(opts.store ?? `sqlite:${join(opts.home, 'mgmt.db')}`);
  try {
    await issueToken({ store, name: opts.name, role, scope, file });
  } finally {
    await store.close();
  }
  return file;
}
