/**
 * Where the federation commands find the management plane and clusters by default: `$MESHBRIDGE_HOME`
 * (default `./.meshbridge`) holds `mgmt.json` ({url}), `admin-token` and `kubeconfig` (written by `local up`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The defaults found in `$MESHBRIDGE_HOME` (each undefined when absent). */
export function federationDefaults(): { home: string; mgmtUrl?: string; token?: string; kubeconfig?: string } {
  const home = resolve(process.env.MESHBRIDGE_HOME ?? '.meshbridge');
  const mgmtFile = resolve(home, 'mgmt.json');
  const tokenFile = resolve(home, 'admin-token');
  const kubeconfig = resolve(home, 'kubeconfig');
  let mgmtUrl: string | undefined;
  if (existsSync(mgmtFile)) mgmtUrl = (JSON.parse(readFileSync(mgmtFile, 'utf8')) as { url?: string }).url;
  return {
    home,
    mgmtUrl,
    token: existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined,
    kubeconfig: existsSync(kubeconfig) ? kubeconfig : undefined,
  };
}

/** Reads a token file (trimmed). */
export function readToken(file: string): string {
  return readFileSync(file, 'utf8').trim();
}
