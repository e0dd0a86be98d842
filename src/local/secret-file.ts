/**
 * Secrets a local cluster keeps in its state directory (the API's bearer token, the ServiceAccount signing key):
 * one line of text in an owner-only file, made on first use and kept across restarts.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

/** The text stored in `file` when `valid` accepts it; undefined when the file is missing or holds something else. */
export function readSecretFile(file: string, valid: (text: string) => boolean): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  return valid(text) ? text : undefined;
}

/**
 * The text stored in `file`; when it is missing or invalid, `fresh()` is written there (mode 0600) and returned. The
 * mode is reset to 0600 either way (an older version may have left it wider).
 */
export function loadOrCreateSecretFile(file: string, valid: (text: string) => boolean, fresh: () => string): string {
  const existing = readSecretFile(file, valid);
  if (existing !== undefined) {
    chmodSync(file, 0o600);
    return existing;
  }
  const text = fresh();
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return text;
}
