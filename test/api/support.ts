/** Helpers shared by the api suites: reading fixtures, the seed's substitution, issue summaries. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocatedIssue } from '../../src/api/index.js';
import { FIXTURES } from '../support/paths.js';

/** This suite's own fixtures. */
export const API_FIXTURES = resolve(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

/** The seed's shell fills ${ORG} and ${TEN} before applying; the tests do the same. */
export function substituteSeed(text: string): string {
  return text.replaceAll('${ORG}', 'tetrate').replaceAll('${TEN}', 'tetrate');
}

/** Every YAML file of the shared fixtures (upstream bookinfo/sleep, the seed's documents). */
export function sharedFixtureFiles(): string[] {
  return ['upstream', 'seed'].flatMap((dir) =>
    readdirSync(join(FIXTURES, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => join(FIXTURES, dir, f)),
  );
}

/** A shared fixture's text, substituted as the seed does. */
export function readShared(path: string): string {
  return substituteSeed(readFileSync(path, 'utf8'));
}

/** `line:col severity [code] Kind/name path`: how fixtures state what they expect. */
export function summary(i: LocatedIssue): string {
  const who = i.kind !== undefined ? ` ${i.kind}/${i.name ?? '<unnamed>'}` : '';
  return `${i.line}:${i.column} ${i.severity} [${i.code}]${who}${i.path !== '' ? ` ${i.path}` : ''}`;
}
