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

/** Where problems of one input go: each located at file:line:col from an offset into the text. */
interface Reporter {
  readonly file: string;
  readonly lc: LineCounter;
  readonly issues: LocatedIssue[];
  report(name: CodeName, offset: number, path: string, message: string, w?: { kind?: string; name?: string }): void;
}

function reporterFor(file: string): Reporter {
  const lc = new LineCounter();
  const issues: LocatedIssue[] = [];
  return {
    file,
    lc,
    issues,
    report(name, offset, path, message, w) {
      const { line, col } = lc.linePos(offset);
      issues.push({ ...makeIssue(name, path, message, w), file, line, column: col });
    },
  };
}

/**
 * Stage 1, before any parsing: the input's size, and flow nesting found by a linear pre-scan (the parser itself
 * would recurse on `[[[[...`). Returns the refusal, if any.
 */
function refuseBeforeParsing(text: string, file: string, limits: Required<ParseOptions>): LocatedIssue | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    const message = `input is ${bytes} bytes; the limit is ${limits.maxBytes}`;
    return { ...makeIssue('TOO_LARGE', '', message), file, line: 1, column: 1 };
  }
  const deepAt = findExcessiveFlowNesting(text, limits.maxDepth);
  if (deepAt === undefined) return undefined;
  // The line counter fills in as the parser runs; without a parse, count lines up to the offset directly.
  const before = text.slice(0, deepAt);
  const line = before.split('\n').length;
  const column = deepAt - before.lastIndexOf('\n');
  return { ...makeIssue('TOO_DEEP', '', `nesting deeper than ${limits.maxDepth} levels`), file, line, column };
}

/** Stage 2: the YAML documents, or undefined after reporting why there are none to look at. */
function parseAll(text: string, r: Reporter, limits: Required<ParseOptions>): Document[] | undefined {
  let docs: Document[];
  try {
    const parsed = parseAllDocuments(text, { lineCounter: r.lc, merge: true, uniqueKeys: true, prettyErrors: false });
    docs = Array.isArray(parsed) ? (parsed as Document[]) : [];
  } catch (err) {
    r.report('YAML_SYNTAX', 0, '', `cannot parse: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  if (docs.length > limits.maxDocuments) {
    const offset = docs[limits.maxDocuments]?.range?.[0] ?? 0;
    r.report('TOO_MANY_DOCUMENTS', offset, '', `more than ${limits.maxDocuments} documents`);
    return undefined;
  }
  return docs;
}

/**
 * Stage 3, per document: its parser errors and warnings, the walk's nesting and key checks, the conversion to
 * JSON values (alias expansion bounded), values JSON cannot hold, and YAML 1.1 differences. Returns the plain value
 * (undefined when the document is refused or empty).
 */
function convert(
  doc: Document,
  r: Reporter,
  limits: Required<ParseOptions>,
): { object: unknown; located: (prefix: PathSegment[]) => ParsedDocument['locate'] } | undefined {
  const w = who(doc);
  for (const e of doc.errors) r.report(YAML_CODES[e.code] ?? 'YAML_SYNTAX', e.pos[0], '', cleanMessage(e.message), w);
  for (const e of doc.warnings)
    r.report(YAML_CODES[e.code] ?? 'YAML_WARNING', e.pos[0], '', cleanMessage(e.message), w);
  if (doc.errors.length > 0 || doc.warnings.some((e) => YAML_CODES[e.code] === 'UNSUPPORTED_TAG')) return undefined;
  if (doc.contents === null) return undefined;

  const found = walkDocument(doc, limits.maxDepth);
  if (found.tooDeepAt !== undefined) {
    r.report('TOO_DEEP', found.tooDeepAt, '', `nesting deeper than ${limits.maxDepth} levels`, w);
    return undefined;
  }
  if (found.collectionKeyAt !== undefined) {
    const message = 'a mapping key that is a collection cannot be represented in JSON';
    r.report('UNSUPPORTED_TAG', found.collectionKeyAt, '', message, w);
    return undefined;
  }
  let object: unknown;
  try {
    object = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    // yaml throws a ReferenceError both for an alias bomb and for an alias to an undefined anchor.
    const bomb = err instanceof ReferenceError && /alias count/i.test(err.message);
    r.report(
      bomb ? 'ALIAS_LIMIT' : 'YAML_SYNTAX',
      bomb ? (found.firstAliasAt ?? 0) : (doc.contents.range?.[0] ?? 0),
      '',
      bomb ? `aliases expand more than ${limits.maxAliasCount} times` : cleanMessage(String(err)),
      w,
    );
    return undefined;
  }
  // An empty document (`---` with nothing after it, or only comments) is skipped, as kubectl does.
  if (object === null || object === undefined) return undefined;
  const toSegments = (path: string | readonly PathSegment[]) =>
    typeof path === 'string' ? (parsePath(path) ?? []) : path;
  const bad = findNonJsonValue(object);
  if (bad) {
    const message = `${bad.what} cannot be represented in JSON`;
    r.report('UNSUPPORTED_TAG', offsetOf(doc, bad.path), formatPath(bad.path), message, w);
    return undefined;
  }
  for (const d of found.yaml11Differences) {
    const message = `${d.text} means something else to kubectl, whose YAML 1.1 parser reads it as ${d.kubectlReads}`;
    r.report('YAML_WARNING', d.offset, '', message, w);
  }
  const located = (prefix: PathSegment[]) => (path: string | readonly PathSegment[]) => {
    const { line, col } = r.lc.linePos(offsetOf(doc, [...prefix, ...toSegments(path)]));
    return { line, column: col };
  };
  return { object, located };
}

/** Parses `text` (the content of `file`) into documents. Never throws. */
export function parseDocuments(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const limits = { ...PARSE_LIMITS, ...options };
  const refused = refuseBeforeParsing(text, file, limits);
  if (refused) return { documents: [], issues: [refused] };
  const r = reporterFor(file);
  const docs = parseAll(text, r, limits);
  if (docs === undefined) return { documents: [], issues: r.issues };
  const documents: ParsedDocument[] = [];
  docs.forEach((doc, index) => {
    const converted = convert(doc, r, limits);
    if (converted === undefined) return;
    const { object, located } = converted;
    const items = listItems(object);
    if (items)
      items.forEach((item, i) => documents.push({ file, index, item: i, object: item, locate: located(['items', i]) }));
    else documents.push({ file, index, object, locate: located([]) });
  });
  return { documents, issues: r.issues };
}
