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
  /** A mapping key that is itself a mapping or sequence (`? [a]`): JSON keys are strings. */
  collectionKeyAt?: number;
  /**
   * Plain scalar values that YAML 1.1 (kubectl) reads differently: `yes`/`no`/`on`/`off` as booleans (YAML 1.2
   * reads strings) and `0644` as octal 420 (YAML 1.2 reads decimal 644).
   */
  yaml11Differences: { offset: number; text: string; kubectlReads: string }[];
}

const YAML11_TRUE = /^(y|Y|yes|Yes|YES|on|On|ON)$/;
const YAML11_FALSE = /^(n|N|no|No|NO|off|Off|OFF)$/;
// YAML 1.1 octal; YAML 1.2 reads these digits as a decimal number.
const YAML11_OCTAL = /^[-+]?0[0-7]+$/;

/** What YAML 1.1 makes of a plain scalar, when that differs from YAML 1.2. */
function yaml11Reading(node: Scalar): string | undefined {
  const source = node.source ?? '';
  if (typeof node.value === 'string' && YAML11_TRUE.test(node.value))
    return 'the boolean true (quote it to keep a string)';
  if (typeof node.value === 'string' && YAML11_FALSE.test(node.value))
    return 'the boolean false (quote it to keep a string)';
  if (typeof node.value === 'number' && YAML11_OCTAL.test(source))
    return `the octal number ${parseInt(source, 8)} (write ${parseInt(source, 8)} for that, or ${Number(source)} for decimal ${Number(source)})`;
  if (typeof node.value === 'number' && /^0o[0-7]+$/.test(source))
    return `the string "${source}" (write ${node.value} to mean the same to both)`;
  return undefined;
}

/** Walks `doc` iteratively. */
export function walkDocument(doc: Document, maxDepth: number): WalkFindings {
  const out: WalkFindings = { yaml11Differences: [] };
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
      const reading = !isKey && node.type === Scalar.PLAIN ? yaml11Reading(node) : undefined;
      if (reading)
        out.yaml11Differences.push({
          offset: start ?? 0,
          text: node.source ?? String(node.value),
          kubectlReads: reading,
        });
      continue;
    }
    if (isMap(node) || isSeq(node)) {
      if (depth >= maxDepth) {
        if (out.tooDeepAt === undefined) out.tooDeepAt = start ?? 0;
        continue;
      }
      for (const item of node.items) {
        if (isPair(item)) {
          if ((isMap(item.key) || isSeq(item.key)) && out.collectionKeyAt === undefined)
            out.collectionKeyAt = (item.key as Node).range?.[0] ?? start ?? 0;
          stack.push({ node: item.key, depth: depth + 1, isKey: true });
          stack.push({ node: item.value, depth: depth + 1, isKey: false });
        } else stack.push({ node: item, depth: depth + 1, isKey: false });
      }
    }
  }
  out.yaml11Differences.sort((a, b) => a.offset - b.offset);
  return out;
}

/**
 * The first value in a converted document that JSON cannot carry (binary, timestamps, sets, big integers,
 * infinities), as a path; meshbridge objects are JSON, so such values are refused rather than silently mangled.
 */
export function findNonJsonValue(value: unknown): { path: (string | number)[]; what: string } | undefined {
  // Depth-first with explicit exit markers, so the objects on the current path are known: an alias that refers to
  // its own ancestor (`&a [*a]`) makes a cycle, which JSON cannot carry either.
  type Frame = { v: unknown; path: (string | number)[] } | { exit: object };
  const stack: Frame[] = [{ v: value, path: [] }];
  const onPath = new Set<object>();
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('exit' in frame) {
      onPath.delete(frame.exit);
      continue;
    }
    const { v, path } = frame;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, what: 'an infinite or NaN number' };
      continue;
    }
    if (typeof v === 'bigint') return { path, what: 'an integer too large for JSON' };
    if (typeof v === 'object' && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype)) {
      if (onPath.has(v)) return { path, what: 'a value that contains itself (a recursive alias)' };
      onPath.add(v);
      stack.push({ exit: v });
      if (Array.isArray(v)) v.forEach((item, i) => stack.push({ v: item, path: [...path, i] }));
      else for (const [k, item] of Object.entries(v)) stack.push({ v: item, path: [...path, k] });
      continue;
    }
    const what =
      v instanceof Uint8Array
        ? 'binary data (!!binary)'
        : v instanceof Date
          ? 'a timestamp (!!timestamp)'
          : `a ${(v as object | undefined)?.constructor?.name ?? typeof v} value`;
    return { path, what };
  }
  return undefined;
}
