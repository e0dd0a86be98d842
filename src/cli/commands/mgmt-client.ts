/**
 * The CLI's client of the management plane REST API (contract D). It finds the server and token from
 * `--server URL --token-file F`, else `$MESHBRIDGE_HOME/mgmt.json` and `$MESHBRIDGE_HOME/admin-token`
 * (MESHBRIDGE_HOME defaults to `./.meshbridge`). The server's certificate is verified against `--ca-file` (or
 * `$MESHBRIDGE_CA_FILE`), else the CA that mgmt.json names (a local home's CA), else the system's trust store.
 * The token is sent only in the Authorization header.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { mgmtFetch, readCaFile } from '../../mgmt/tls/client-fetch.js';
import { meshbridgeHome } from '../../local/config.js';

/** Options every management-plane command accepts. */
export interface MgmtConnectionOptions {
  server?: string;
  tokenFile?: string;
  caFile?: string;
}

/** Adds `--server`, `--token-file` and `--ca-file` to a command. */
export function withMgmtConnection(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'management plane URL (default: from $MESHBRIDGE_HOME/mgmt.json)')
    .option('--token-file <file>', 'bearer token file (default: $MESHBRIDGE_HOME/admin-token)')
    .option('--ca-file <file>', "CA bundle that verifies the server (or $MESHBRIDGE_CA_FILE; default: mgmt.json's)");
}

/** Where the management plane is and which CA verifies it, from `$MESHBRIDGE_HOME/mgmt.json`. */
export function readMgmtRecord(file: string): { url: string; ca?: string } {
  const record = JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown; ca?: unknown };
  if (typeof record.url !== 'string') throw new Error(`${file} has no "url"`);
  return typeof record.ca === 'string' ? { url: record.url, ca: record.ca } : { url: record.url };
}

/** An error reply of the management plane. */
export class MgmtApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly ApiIssue[],
  ) {
    super(`[${code}] ${message}`);
    this.name = 'MgmtApiError';
  }
}

/** A per-document issue in an error reply. */
export interface ApiIssue {
  index: number;
  code: string;
  severity: string;
  path: string;
  message: string;
  kind?: string;
  name?: string;
}

/** A connection to one management plane. */
export interface MgmtClient {
  url: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

function home(): string {
  return meshbridgeHome();
}

/** Resolves where the management plane is and which token to use. */
export function connect(opts: MgmtConnectionOptions): MgmtClient {
  let url = opts.server;
  let caFile = opts.caFile ?? process.env.MESHBRIDGE_CA_FILE;
  if (url === undefined) {
    const file = join(home(), 'mgmt.json');
    if (!existsSync(file)) {
      throw new Error(`no management plane: ${file} is missing (start one with \`meshbridge server\` or use --server)`);
    }
    const record = readMgmtRecord(file);
    url = record.url;
    caFile ??= record.ca;
  }
  const fetch = mgmtFetch(caFile === undefined ? undefined : readCaFile(caFile));
  const tokenFile = opts.tokenFile ?? join(home(), 'admin-token');
  if (!existsSync(tokenFile)) throw new Error(`token file ${tokenFile} is missing (use --token-file)`);
  const token = readFileSync(tokenFile, 'utf8').trim();
  const base = url.replace(/\/+$/, '');
  return {
    url: base,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(cause)) {
          throw new Error(
            `the management plane at ${base} presented a certificate that does not verify (${cause}); pass --ca-file`,
          );
        }
        throw new Error(`cannot reach the management plane at ${base} (${cause})`);
      }
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error(`the management plane answered ${res.status} with a non-JSON body`);
      }
      if (!res.ok) {
        const e = json as { code?: string; message?: string; issues?: ApiIssue[] };
        throw new MgmtApiError(res.status, e.code ?? `HTTP${res.status}`, e.message ?? text, e.issues ?? []);
      }
      return json as T;
    },
  };
}
