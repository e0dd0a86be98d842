/** Helpers shared by the api suites: reading fixtures and the examples, issue summaries. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocatedIssue } from '../../src/api/index.js';
import { EXAMPLES } from '../support/paths.js';

/** This suite's own fixtures. */
export const API_FIXTURES = resolve(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

/** Every YAML file of the project's examples (`examples/bookinfo`), sorted: applied as they are, no substitution. */
export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(EXAMPLES, f));
}

/** An example's text. */
export function readExample(path: string): string {
  return readFileSync(path, 'utf8');
}

/** `line:col severity [code] Kind/name path`: how fixtures state what they expect. */
export function summary(i: LocatedIssue): string {
  const who = i.kind !== undefined ? ` ${i.kind}/${i.name ?? '<unnamed>'}` : '';
  return `${i.line}:${i.column} ${i.severity} [${i.code}]${who}${i.path !== '' ? ` ${i.path}` : ''}`;
}
