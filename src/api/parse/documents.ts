/**
 * `parseDocuments`: multi-document YAML (JSON is YAML) into plain objects, each problem located at file:line:col.
 * Hostile input is refused early and cheaply: size before parsing, flow nesting by a linear pre-scan, alias
 * expansion by a count limit, block nesting by an iterative walk.
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { CodeName } from '../codes.js';
import { makeIssue, type LocatedIssue } from '../issues.js';
import { formatPath, parsePath, type PathSegment } from '../path.js';
import { offsetOf } from './locate.js';
import { findExcessiveFlowNesting } from './prescan.js';
import { findNonJsonValue, walkDocument } from './walk.js';

/** Limits on input; the defaults suit any real manifest. */
export interface ParseOptions {
  /** Largest input in UTF-8 bytes (default 5 MiB). */
  maxBytes?: number;
  /** Deepest nesting of mappings and sequences (default 100). */
  maxDepth?: number;
  /** Most alias expansions per document (default 100; billion-laughs bombs need thousands). */
  maxAliasCount?: number;
  /** Most documents per input (default 10,000). */
  maxDocuments?: number;
}

/** The default limits. */
export const PARSE_LIMITS: Readonly<Required<ParseOptions>> = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxDepth: 100,
  maxAliasCount: 100,
  maxDocuments: 10_000,
});

/** One document of an input, converted to plain JSON values, that can say where its fields are. */
export interface ParsedDocument {
  file: string;
  /** 0-based position of the document in its file (empty documents count too). */
  index: number;
  /** For an item of a `kind: List` document (what `kubectl get -o yaml` prints), its index in `items`. */
  item?: number;
  /** The document's value (normally a mapping with apiVersion and kind). */
  object: unknown;
  /** 1-based line and column of the field at `path`, or of its nearest existing ancestor. */
  locate(path: string | readonly PathSegment[]): { line: number; column: number };
}

/** Documents that parsed, and every problem of those that did not (or that parsed with warnings). */
export interface ParseResult {
  documents: ParsedDocument[];
  issues: LocatedIssue[];
}

const YAML_CODES: Partial<Record<string, CodeName>> = {
  DUPLICATE_KEY: 'DUPLICATE_KEY',
  RESOURCE_EXHAUSTION: 'TOO_DEEP',
  TAG_RESOLVE_FAILED: 'UNSUPPORTED_TAG',
};

/** yaml's messages end with " at line N, column M:" and a code excerpt; the location is reported separately. */
function cleanMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function who(doc: Document): { kind?: string; name?: string } {
  try {
    const kind = doc.get('kind');
    const name = doc.getIn(['metadata', 'name']);
    // A broken document may have swallowed text into these values: only report plausible ones.
    const plausible = (v: unknown): v is string => typeof v === 'string' && /^[\w.$-]{1,253}$/.test(v);
    return {
      ...(plausible(kind) ? { kind } : {}),
      ...(plausible(name) ? { name } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The items of a `v1 List` (kubectl's `get -o yaml` output), which stand for their objects one by one, or
 * undefined for any other value.
 */
function listItems(value: unknown): unknown[] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.apiVersion !== 'v1' || v.kind !== 'List' || !Array.isArray(v.items)) return undefined;
  const known = new Set(['apiVersion', 'kind', 'items', 'metadata']);
  return Object.keys(v).every((k) => known.has(k)) ? v.items : undefined;
}

/** Parses `text` (the content of `file`) into documents. Never throws. */
export function parseDocuments(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const limits = { ...PARSE_LIMITS, ...options };
  const lc = new LineCounter();
  const issues: LocatedIssue[] = [];
  const at = (offset: number) => {
    const { line, col } = lc.linePos(offset);
    return { file, line, column: col };
  };
  const report = (
    name: CodeName,
    offset: number,
    path: string,
    message: string,
    w?: { kind?: string; name?: string },
  ) => issues.push({ ...makeIssue(name, path, message, w), ...at(offset) });

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    issues.push({
      ...makeIssue('TOO_LARGE', '', `input is ${bytes} bytes; the limit is ${limits.maxBytes}`),
      file,
      line: 1,
      column: 1,
    });
    return { documents: [], issues };
  }
  const deepAt = findExcessiveFlowNesting(text, limits.maxDepth);
  if (deepAt !== undefined) {
    // The line counter fills in as the parser runs; without a parse, count lines up to the offset directly.
    const before = text.slice(0, deepAt);
    const line = before.split('\n').length;
    const column = deepAt - before.lastIndexOf('\n');
    issues.push({ ...makeIssue('TOO_DEEP', '', `nesting deeper than ${limits.maxDepth} levels`), file, line, column });
    return { documents: [], issues };
  }

  let docs: Document[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter: lc, merge: true, uniqueKeys: true, prettyErrors: false });
    docs = Array.isArray(parsed) ? (parsed as Document[]) : [];
  } catch (err) {
    report('YAML_SYNTAX', 0, '', `cannot parse: ${err instanceof Error ? err.message : String(err)}`);
    return { documents: [], issues };
  }
  if (docs.length > limits.maxDocuments) {
    report(
      'TOO_MANY_DOCUMENTS',
      docs[limits.maxDocuments]?.range?.[0] ?? 0,
      '',
      `more than ${limits.maxDocuments} documents`,
    );
    return { documents: [], issues };
  }

  const documents: ParsedDocument[] = [];
  docs.forEach((doc, index) => {
    const w = who(doc);
    for (const e of doc.errors) report(YAML_CODES[e.code] ?? 'YAML_SYNTAX', e.pos[0], '', cleanMessage(e.message), w);
    for (const e of doc.warnings)
      report(YAML_CODES[e.code] ?? 'YAML_WARNING', e.pos[0], '', cleanMessage(e.message), w);
    if (doc.errors.length > 0 || doc.warnings.some((e) => YAML_CODES[e.code] === 'UNSUPPORTED_TAG')) return;
    if (doc.contents === null) return;

    const found = walkDocument(doc, limits.maxDepth);
    if (found.tooDeepAt !== undefined) {
      report('TOO_DEEP', found.tooDeepAt, '', `nesting deeper than ${limits.maxDepth} levels`, w);
      return;
    }
    if (found.collectionKeyAt !== undefined) {
      report(
        'UNSUPPORTED_TAG',
        found.collectionKeyAt,
        '',
        'a mapping key that is a collection cannot be represented in JSON',
        w,
      );
      return;
    }
    let object: unknown;
    try {
      object = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      // yaml throws a ReferenceError both for an alias bomb and for an alias to an undefined anchor.
      const bomb = err instanceof ReferenceError && /alias count/i.test(err.message);
      report(
        bomb ? 'ALIAS_LIMIT' : 'YAML_SYNTAX',
        bomb ? (found.firstAliasAt ?? 0) : (doc.contents.range?.[0] ?? 0),
        '',
        bomb ? `aliases expand more than ${limits.maxAliasCount} times` : cleanMessage(String(err)),
        w,
      );
      return;
    }
    // An empty document (`---` with nothing after it, or only comments) is skipped, as kubectl does.
    if (object === null || object === undefined) return;
    const locateOffset = (path: string | readonly PathSegment[]) =>
      offsetOf(doc, typeof path === 'string' ? (parsePath(path) ?? []) : path);
    const bad = findNonJsonValue(object);
    if (bad) {
      report(
        'UNSUPPORTED_TAG',
        locateOffset(bad.path),
        formatPath(bad.path),
        `${bad.what} cannot be represented in JSON`,
        w,
      );
      return;
    }
    for (const d of found.yaml11Differences)
      report(
        'YAML_WARNING',
        d.offset,
        '',
        `${d.text} means something else to kubectl, whose YAML 1.1 parser reads it as ${d.kubectlReads}`,
        w,
      );
    const located = (prefix: PathSegment[]) => (path: string | readonly PathSegment[]) => {
      const segments = typeof path === 'string' ? (parsePath(path) ?? []) : path;
      const { line, col } = lc.linePos(offsetOf(doc, [...prefix, ...segments]));
      return { line, column: col };
    };
    const items = listItems(object);
    if (items)
      items.forEach((item, i) => documents.push({ file, index, item: i, object: item, locate: located(['items', i]) }));
    else documents.push({ file, index, object, locate: located([]) });
  });
  return { documents, issues };
}
