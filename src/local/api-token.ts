/**
 * The credential of one embedded cluster's API: a random bearer token kept in the cluster's state directory
 * (`api-token`, mode 0600) and copied into the kubeconfig `local up` writes. It survives restarts, so a kubeconfig
 * stays valid when `local up` runs again on the same home.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { MIN_TOKEN_LENGTH, newApiToken } from './server/guard.js';

/** The token stored in `file`; a new one is written (0600) when the file is missing or holds no valid token. */
export function loadOrCreateApiToken(file: string): string {
  const existing = readApiToken(file);
  if (existing !== undefined) {
    chmodSync(file, 0o600);
    return existing;
  }
  const token = newApiToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** The token stored in `file`, or undefined when it is missing or too short to be one of ours. */
export function readApiToken(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  return text.length >= MIN_TOKEN_LENGTH && /^[A-Za-z0-9_-]+$/.test(text) ? text : undefined;
}
