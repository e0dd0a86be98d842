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

/**
 * Fields a field selector may name, as the apiserver allows them: every kind's `metadata.name` and
 * `metadata.namespace`, a Pod's node, phase and IP, an Event's involved object, reason, type and source (what
 * `kubectl describe` and `kubectl get events --field-selector` send). Others are BadRequest.
 */
const SELECTABLE_FIELDS = new Set([
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'status.phase',
  'status.podIP',
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
]);

function fieldValue(obj: StoredObject, field: string): string {
  if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
  // An Event's `source` selects on its component, as the apiserver's event field set does.
  const path = field === 'source' ? ['source', 'component'] : field.split('.');
  let v: unknown = obj;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : '';
}

/** Compiles a field selector over the fields of `SELECTABLE_FIELDS`; others are BadRequest. */
export function fieldMatcher(selector: string | undefined): Matcher {
  if (!selector) return () => true;
  const tests = splitTerms(selector).map((term): Matcher => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new ApiError('BadRequest', `invalid field selector: ${term}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    if (!SELECTABLE_FIELDS.has(field)) throw new ApiError('BadRequest', `field label not supported: ${field}`);
    return op === '!=' ? (o) => fieldValue(o, field) !== value : (o) => fieldValue(o, field) === value;
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
