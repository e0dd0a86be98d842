/**
 * One iterative pass over a parsed YAML document's node tree (no recursion, so hostile nesting cannot overflow the
 * stack): finds the first node nested deeper than the limit, the first alias, and plain scalars that YAML 1.1
 * parsers such as kubectl's read as booleans while YAML 1.2 (and meshbridge) reads them as strings.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';

/** What the walk found (offsets are 0-based into the text). */
export interface WalkFindings {
  tooDeepAt?: number;
  firstAliasAt?: number;
  /** Offsets and source text of `yes`/`no`/`on`/`off`-like plain scalars used as values. */
  yaml11Booleans: { offset: number; text: string }[];
}

const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** Walks `doc` iteratively. */
export function walkDocument(doc: Document, maxDepth: number): WalkFindings {
  const out: WalkFindings = { yaml11Booleans: [] };
  const stack: { node: unknown; depth: number; isKey: boolean }[] = [{ node: doc.contents, depth: 0, isKey: false }];
  while (stack.length > 0) {
    const { node, depth, isKey } = stack.pop()!;
    if (node === null || node === undefined) continue;
    const start = (node as Node).range?.[0];
    if (isAlias(node)) {
      if (out.firstAliasAt === undefined || (start !== undefined && start < out.firstAliasAt)) out.firstAliasAt = start;
      continue;
    }
    if (isScalar(node)) {
      if (!isKey && node.type === Scalar.PLAIN && typeof node.value === 'string' && YAML11_BOOL.test(node.value))
        out.yaml11Booleans.push({ offset: start ?? 0, text: node.value });
      continue;
    }
    if (isMap(node) || isSeq(node)) {
      if (depth >= maxDepth) {
        if (out.tooDeepAt === undefined) out.tooDeepAt = start ?? 0;
        continue;
      }
      for (const item of node.items) {
        if (isPair(item)) {
          stack.push({ node: item.key, depth: depth + 1, isKey: true });
          stack.push({ node: item.value, depth: depth + 1, isKey: false });
        } else stack.push({ node: item, depth: depth + 1, isKey: false });
      }
    }
  }
  out.yaml11Booleans.sort((a, b) => a.offset - b.offset);
  return out;
}

/**
 * The first value in a converted document that JSON cannot carry (binary, timestamps, sets, big integers,
 * infinities), as a path; meshbridge objects are JSON, so such values are refused rather than silently mangled.
 */
export function findNonJsonValue(value: unknown): { path: (string | number)[]; what: string } | undefined {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, what: 'an infinite or NaN number' };
      continue;
    }
    if (typeof v === 'bigint') return { path, what: 'an integer too large for JSON' };
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: [...path, i] }));
      continue;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, item] of Object.entries(v)) stack.push({ v: item, path: [...path, k] });
      continue;
    }
    const what =
      v instanceof Uint8Array
        ? 'binary data (!!binary)'
        : v instanceof Date
          ? 'a timestamp (!!timestamp)'
          : `a ${v?.constructor?.name ?? typeof v} value`;
    return { path, what };
  }
  return undefined;
}
