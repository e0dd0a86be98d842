/**
 * The upstream files the compatibility suites apply verbatim: Istio's bookinfo and sleep samples and the seed's
 * documents, kept read-only beside the repository in `../shared/fixtures`. This module is the only place outside
 * the compatibility tests that knows that folder. A missing folder or file fails the test that needs it, naming
 * what is missing: these suites never skip.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';

/** Where the upstream files are expected: `<repo>/../shared/fixtures`. */
export const UPSTREAM_ROOT = resolve(REPO_ROOT, '..', 'shared', 'fixtures');

/** Every upstream file the compatibility suites use, relative to {@link UPSTREAM_ROOT}. */
export const UPSTREAM_FILES = Object.freeze({
  bookinfo: 'upstream/bookinfo.yaml',
  sleep: 'upstream/sleep.yaml',
  eastWestGateway: 'seed/eastwest-gateway.yaml',
  eastWestGatewayLocality: 'seed/eastwest-gateway-locality.yaml',
  workspaceSetting: 'seed/bookinfo-ws-eastwest.yaml',
});

/** A role of {@link UPSTREAM_FILES}. */
export type UpstreamRole = keyof typeof UPSTREAM_FILES;

/** Raised when an upstream file is not there; the message says where it was looked for and why it matters. */
export class UpstreamFixtureMissing extends Error {
  constructor(readonly file: string) {
    super(
      `upstream compatibility fixture missing: ${file}. The compatibility tests apply Istio's samples and the ` +
        `seed's documents from ${UPSTREAM_ROOT} as they are; provide that folder (the rest of the project never ` +
        'reads it).',
    );
    this.name = 'UpstreamFixtureMissing';
  }
}

/** The absolute path of an upstream file; throws {@link UpstreamFixtureMissing} when it is not a regular file. */
export function upstreamPath(role: UpstreamRole): string {
  const file = resolve(UPSTREAM_ROOT, UPSTREAM_FILES[role]);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UpstreamFixtureMissing(file);
  return file;
}

/** An upstream file's text, unchanged. */
export function readUpstream(role: UpstreamRole): string {
  return readFileSync(upstreamPath(role), 'utf8');
}

/**
 * The seed's shell fills `${ORG}` and `${TEN}` before applying its documents; the tests do the same, with the
 * organization `local up` registers and the tenant the examples define.
 */
export function substituteSeed(text: string, values: { org: string; tenant: string }): string {
  return text.replaceAll('${ORG}', values.org).replaceAll('${TEN}', values.tenant);
}

/** The documents of a YAML text, as plain objects (empty documents dropped). */
export function documentsOf(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as unknown)
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null);
}
