/**
 * The catalogue as the markdown table at the top of docs/errors.md. Pure: `npm run docs:errors` writes it between
 * the file's markers, and a test checks the file holds exactly this text.
 */
import { CODE_LIST } from './codes.js';

/** The marker lines around the generated table in docs/errors.md. */
export const TABLE_BEGIN = '<!-- BEGIN codes table: generated from src/api/codes.ts by `npm run docs:errors` -->';
export const TABLE_END = '<!-- END codes table -->';

// Markdown table cells: a `|` would end the cell.
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The generated table, markers included. */
export function codesTable(): string {
  const rows = CODE_LIST.map(
    (c) => `| [${c.code}](#${c.code.toLowerCase()}) | ${c.severity} | ${c.status ?? ''} | ${cell(c.title)} |`,
  );
  return [TABLE_BEGIN, '| Code | Severity | HTTP | Title |', '| --- | --- | --- | --- |', ...rows, TABLE_END].join(
    '\n',
  );
}

/** `doc` with its generated table replaced by a fresh one; throws when the markers are missing. */
export function withCodesTable(doc: string): string {
  const begin = doc.indexOf(TABLE_BEGIN);
  const end = doc.indexOf(TABLE_END);
  if (begin === -1 || end < begin) throw new Error(`docs/errors.md lacks the markers ${TABLE_BEGIN} ... ${TABLE_END}`);
  return doc.slice(0, begin) + codesTable() + doc.slice(end + TABLE_END.length);
}
