/**
 * `fetch` for clients of the management plane (CLI, federation controller, control process): trusts the given CA
 * bundle only when one is given (a local home's CA, or `--ca-file` in production), else the
 * system's trust store. Certificates are always verified; there is no switch to turn verification off.
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';

/** A fetch function (same shape as the global one). */
export type FetchFn = typeof fetch;

/** A fetch that verifies servers against `caPem` only (or the system store when undefined). */
export function mgmtFetch(caPem?: string): FetchFn {
  if (caPem === undefined) return fetch;
  const dispatcher = new Agent({ connect: { ca: caPem } });
  return ((input: Parameters<FetchFn>[0], init?: Parameters<FetchFn>[1]) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    })) as unknown as FetchFn;
}

/** Reads a CA bundle file; the error names the file. */
export function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
