/**
 * Label and field selectors as the Kubernetes API accepts them in `labelSelector` / `fieldSelector`:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-separated (all must hold). Fields:
 * `metadata.name` and `metadata.namespace` with `=`, `==`, `!=`.
 */
import { ApiError } from './status.js';
import type { StoredObject } from '../store/types.js';

/** A compiled selector: true when the object matches. */
export type Matcher = (obj: StoredObject) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

/** A label's value: own properties only, so `constructor` or `toString` never match an inherited member. */
const label = (labels: Record<string, string>, key: string): string | undefined =>
  Object.hasOwn(labels, key) ? labels[key] : undefined;

/** Compiles a label selector; throws ApiError BadRequest when it does not parse. */
export function labelMatcher(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term): ((labels: Record<string, string>) => boolean) => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = new Set(list.split(',').map((v) => v.trim()));
      const has = (l: Record<string, string>): boolean => {
        const v = label(l, key);
        return v !== undefined && values.has(v);
      };
      return op === 'in' ? has : (l) => !has(l);
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return op === '!=' ? (l) => label(l, key) !== value : (l) => label(l, key) === value;
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) {
      const [, not, key] = m as unknown as [string, string, string];
      return not ? (l) => label(l, key) === undefined : (l) => label(l, key) !== undefined;
    }
    throw new ApiError('BadRequest', `unable to parse requirement: ${term}`);
  });
  return (obj) => tests.every((t) => t(obj.metadata.labels ?? {}));
}

/** Compiles a field selector over `metadata.name` / `metadata.namespace`; others are BadRequest. */
export function fieldMatcher(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term): Matcher => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new ApiError('BadRequest', `invalid field selector: ${term}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const get =
      field === 'metadata.name'
        ? (o: StoredObject) => o.metadata.name
        : field === 'metadata.namespace'
          ? (o: StoredObject) => o.metadata.namespace ?? ''
          : undefined;
    if (!get) throw new ApiError('BadRequest', `field label not supported: ${field}`);
    return op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}

/** Whether a `matchLabels` map selects these labels (an empty selector selects nothing, as for Services). */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
