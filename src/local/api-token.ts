/**
 * The credential of one embedded cluster's API: a random bearer token kept in the cluster's state directory
 * (`api-token`, mode 0600) and copied into the kubeconfig `local up` writes. It survives restarts, so a kubeconfig
 * stays valid when `local up` runs again on the same home.
 */
import { loadOrCreateSecretFile, readSecretFile } from './secret-file.js';
import { MIN_TOKEN_LENGTH, newApiToken } from './server/guard.js';

/** Whether `text` can be one of our tokens. */
const isApiToken = (text: string): boolean => text.length >= MIN_TOKEN_LENGTH && /^[A-Za-z0-9_-]+$/.test(text);

/** The token stored in `file`; a new one is written (0600) when the file is missing or holds no valid token. */
export function loadOrCreateApiToken(file: string): string {
  return loadOrCreateSecretFile(file, isApiToken, newApiToken);
}

/** The token stored in `file`, or undefined when it is missing or too short to be one of ours. */
export function readApiToken(file: string): string | undefined {
  return readSecretFile(file, isApiToken);
}
