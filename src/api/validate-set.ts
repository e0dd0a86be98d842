/**
 * Validation of a set of documents (one `meshbridge validate -f a.yaml -f b.yaml`, one apply): each document on
 * its own, then the rules across them, every issue located at file:line:col.
 */
import { crossChecks, type SetMember } from './checks/cross.js';
import type { LocatedIssue, ValidationResult } from './issues.js';
import { parseDocuments, type ParsedDocument, type ParseOptions } from './parse/documents.js';
import { validateObject } from './validate.js';

/** One document and its own validation result. */
export interface DocumentResult {
  document: ParsedDocument;
  result: ValidationResult;
}

/** The outcome for a set: `ok` when no error anywhere; issues sorted by file, line, column. */
export interface SetValidation {
  ok: boolean;
  results: DocumentResult[];
  errors: LocatedIssue[];
  warnings: LocatedIssue[];
}

function byPosition(a: LocatedIssue, b: LocatedIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

function split(issues: LocatedIssue[]): { errors: LocatedIssue[]; warnings: LocatedIssue[] } {
  issues.sort(byPosition);
  return {
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
  };
}

/** Validates parsed documents one by one and together. */
export function validateDocuments(docs: readonly ParsedDocument[]): SetValidation {
  const located: LocatedIssue[] = [];
  const locate = (doc: ParsedDocument, issue: ValidationResult['errors'][number]) =>
    located.push({ ...issue, file: doc.file, ...doc.locate(issue.path) });
  const results = docs.map((document) => {
    const result = validateObject(document.object);
    for (const issue of [...result.errors, ...result.warnings]) locate(document, issue);
    return { document, result };
  });
  const members: SetMember[] = [];
  results.forEach(({ result }, ref) => {
    if (result.value) members.push({ object: result.value, ref });
  });
  for (const { ref, issue } of crossChecks(members)) locate(results[ref]!.document, issue);
  const { errors, warnings } = split(located);
  return { ok: errors.length === 0, results, errors, warnings };
}

/** One input: its name (for locations) and its text. */
export interface Source {
  file: string;
  text: string;
}

/** Parses and validates several inputs as one set: parse problems and validation problems together. */
export function validateSources(sources: readonly Source[], options: ParseOptions = {}): SetValidation {
  const parseIssues: LocatedIssue[] = [];
  const docs: ParsedDocument[] = [];
  for (const { file, text } of sources) {
    const parsed = parseDocuments(text, file, options);
    parseIssues.push(...parsed.issues);
    docs.push(...parsed.documents);
  }
  const set = validateDocuments(docs);
  const { errors, warnings } = split([...parseIssues, ...set.errors, ...set.warnings]);
  return { ok: errors.length === 0, results: set.results, errors, warnings };
}
