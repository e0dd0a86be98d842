/**
 * The one-time web UI sign-in URL that `local up` and `demo --keep` print: the CLI asks the home's management
 * plane (with the home's admin token, over HTTPS verified by the home's CA) for a code. The URL is the only place
 * the code appears; it works once and expires after a few minutes.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { mgmtFetch, readCaFile } from '../../mgmt/tls/client-fetch.js';
import { readMgmtRecord } from './mgmt-client.js';

/** A fresh sign-in URL for the management plane of `home`, and when its code expires. */
export async function signInUrl(home: string): Promise<{ url: string; expiresAt: string }> {
  const record = readMgmtRecord(join(home, 'mgmt.json'));
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  const fetch = mgmtFetch(record.ca === undefined ? undefined : readCaFile(record.ca));
  const base = record.url.replace(/\/+$/, '');
  const res = await fetch(`${base}/v2/sign-in-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { path?: string; expiresAt?: string; message?: string };
  if (!res.ok || typeof body.path !== 'string') {
    throw new Error(`the management plane refused a sign-in code: HTTP ${res.status} ${body.message ?? ''}`.trim());
  }
  return { url: `${base}${body.path}`, expiresAt: body.expiresAt ?? '' };
}
