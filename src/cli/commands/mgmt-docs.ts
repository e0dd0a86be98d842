/**
 * Reads YAML files into documents for the management plane and maps an issue (document index + field path) back
 * to `file:line:col`, so server-side validation errors print like local ones:
 * `<file>:<line>:<col> error [MB0102] WorkspaceSetting/name: spec.x: message`.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { formatIssue as formatLocated, PARSE_LIMITS, parseDocuments } from '../../api/index.js';
import type { Document } from 'yaml';
import type { ApiIssue } from './mgmt-client.js';

/** One document with where it came from. */
export interface SourcedDocument {
  file: string;
  object: unknown;
  doc: Document;
  lines: LineCounter;
}

/**
 * Refuses a file larger than `meshbridge validate` accepts (5 MiB) before it is read whole or sent, with the same
 * located error `validate` prints (`<file>:1:1 error [MB0005] ...`).
 */
function refuseOversize(file: string): void {
  if (statSync(file).size <= PARSE_LIMITS.maxBytes) return;
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(PARSE_LIMITS.maxBytes + 1);
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const issue = parseDocuments(head.toString('utf8'), file).issues[0];
  throw new Error(issue === undefined ? `${file}: larger than ${PARSE_LIMITS.maxBytes} bytes` : formatLocated(issue));
}

/** Parses every document of `files` (empty documents skipped); throws with file:line:col on YAML errors. */
export function readDocuments(files: readonly string[]): SourcedDocument[] {
  const out: SourcedDocument[] = [];
  for (const file of files) refuseOversize(file);
  for (const file of files) {
    const lines = new LineCounter();
    const docs = parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: true });
    if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
    for (const doc of docs) {
      const err = doc.errors[0];
      if (err !== undefined) {
        const pos = lines.linePos(err.pos[0]);
        throw new Error(`${file}:${pos.line}:${pos.col} error [YAML] ${err.message.split('\n')[0]}`);
      }
      const object: unknown = doc.toJS({ maxAliasCount: 100 });
      if (object !== null && object !== undefined) out.push({ file, object, doc, lines });
    }
  }
  return out;
}

/** `spec.a[0].b` -> ['spec', 'a', 0, 'b']. */
function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.split('.').filter((p) => p !== '')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) {
      keys.push(part);
      continue;
    }
    if (m[1] !== '') keys.push(m[1] ?? '');
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) keys.push(Number(idx[1]));
  }
  return keys;
}

/** The `file:line:col` of a field path in a document (the closest existing ancestor when the field is absent). */
export function locate(d: SourcedDocument, path: string): string {
  const keys = pathKeys(path);
  for (let n = keys.length; n >= 0; n--) {
    const node = d.doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const range = n === 0 ? (d.doc.contents as { range?: [number, number, number] } | null)?.range : node?.range;
    if (range !== undefined) {
      const pos = d.lines.linePos(range[0]);
      return `${d.file}:${pos.line}:${pos.col}`;
    }
  }
  return `${d.file}:1:1`;
}

/** Formats an issue of document `docs[issue.index]`. */
export function formatIssue(docs: readonly SourcedDocument[], issue: ApiIssue): string {
  const d = docs[issue.index];
  const meta = (d?.object as { kind?: string; metadata?: { name?: string } } | undefined) ?? {};
  const who = `${issue.kind ?? meta.kind ?? '?'}/${issue.name ?? meta.metadata?.name ?? '?'}`;
  const where = d === undefined ? `document ${issue.index}` : locate(d, issue.path);
  return `${where} ${issue.severity} [${issue.code}] ${who}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}
