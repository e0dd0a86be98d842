/**
 * Where the federation commands find the management plane and clusters by default: `$MESHBRIDGE_HOME`
 * (default `./.meshbridge`) holds `mgmt.json` ({url, ca}), `admin-token` and `kubeconfig` (written by `local up`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mgmtFetch, readCaFile } from '../../mgmt/tls/client-fetch.js';
import type { FetchFn } from '../../mgmt/tls/client-fetch.js';
import { meshbridgeHome } from '../../local/config.js';

/** The defaults found in `$MESHBRIDGE_HOME` (each undefined when absent). */
export function federationDefaults(): {
  home: string;
  mgmtUrl?: string;
  caFile?: string;
  token?: string;
  kubeconfig?: string;
} {
  const home = meshbridgeHome();
  const mgmtFile = resolve(home, 'mgmt.json');
  const tokenFile = resolve(home, 'admin-token');
  const kubeconfig = resolve(home, 'kubeconfig');
  let mgmtUrl: string | undefined;
  let caFile: string | undefined;
  if (existsSync(mgmtFile)) {
    const record = JSON.parse(readFileSync(mgmtFile, 'utf8')) as { url?: string; ca?: string };
    mgmtUrl = record.url;
    caFile = record.ca;
  }
  return {
    home,
    mgmtUrl,
    ...(caFile === undefined ? {} : { caFile }),
    token: existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined,
    kubeconfig: existsSync(kubeconfig) ? kubeconfig : undefined,
  };
}

/** Reads a token file (trimmed). */
export function readToken(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

/**
 * The fetch that verifies the management plane: `--ca-file`, else `$MESHBRIDGE_CA_FILE`, else the CA of the home's
 * mgmt.json when the URL is the home's own, else the system trust store.
 */
export function mgmtFetchFor(options: { caFile?: string; url: string }): FetchFn {
  const defaults = federationDefaults();
  const file =
    options.caFile ??
    process.env.MESHBRIDGE_CA_FILE ??
    (options.url === defaults.mgmtUrl ? defaults.caFile : undefined);
  return mgmtFetch(file === undefined ? undefined : readCaFile(file));
}
