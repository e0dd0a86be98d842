/** The shapes of validation results: an issue, a located issue, a validation result. */
import { CODES, type CodeName, type Severity } from './codes.js';
import type { ApiObject } from './kinds/index.js';

/** One problem found in an object. `path` is a field path like `spec.ports[0].port` ('' for the whole object). */
export interface Issue {
  /** Stable code from the catalogue (`MB0102`). */
  code: string;
  severity: Severity;
  path: string;
  message: string;
  kind?: string;
  name?: string;
}

/** An issue located in a file (1-based line and column). */
export type LocatedIssue = Issue & { file: string; line: number; column: number };

/** The outcome of validating one object: `ok` when there is no error (warnings do not count). */
export interface ValidationResult {
  ok: boolean;
  errors: Issue[];
  warnings: Issue[];
  /** The object with defaults applied; present when `ok`. */
  value?: ApiObject;
}

/** Builds an issue from a catalogue name; severity comes from the catalogue. */
export function makeIssue(
  name: CodeName,
  path: string,
  message: string,
  who?: { kind?: string | undefined; name?: string | undefined },
): Issue {
  const info = CODES[name];
  const issue: Issue = { code: info.code, severity: info.severity, path, message };
  if (who?.kind !== undefined) issue.kind = who.kind;
  if (who?.name !== undefined) issue.name = who.name;
  return issue;
}

/** Splits issues into errors and warnings, keeping their order. */
export function partition(issues: readonly Issue[]): { errors: Issue[]; warnings: Issue[] } {
  return {
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
  };
}
