/** Opens a store from a URL: `sqlite:PATH`, a bare file path, or `postgres://` / `postgresql://`. */
import { createSqlStore } from './sql-store.js';
import { openSqliteBackend } from './sqlite.js';
import { openPostgresBackend } from './postgres.js';
import type { Store } from './types.js';

/** Opens and migrates the store named by `url`. */
export async function openStore(url: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) return createSqlStore(await openPostgresBackend(url));
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path === '') throw new Error('store URL sqlite: needs a file path');
  return createSqlStore(openSqliteBackend(path));
}

/** A printable form of a store URL with any password removed (URLs may carry credentials). */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
