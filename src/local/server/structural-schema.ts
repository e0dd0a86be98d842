/**
 * Validation of a custom resource against its CustomResourceDefinition's `openAPIV3Schema`, as the API server does
 * for structural schemas (pure): types (with `nullable`, `x-kubernetes-int-or-string`), `properties` and
 * `required`, `additionalProperties` maps, `items`, `enum`, numeric and length bounds, `pattern`, and unknown
 * fields. The API server prunes unknown fields; this server refuses them instead (422 naming the field), like
 * kubectl's default `fieldValidation=Strict`, except under `x-kubernetes-preserve-unknown-fields`. CEL rules
 * (`x-kubernetes-validations`) are not evaluated: a schema holding one is refused when the CRD is used, never
 * silently ignored. `metadata`, `apiVersion` and `kind` are checked by the server itself.
 */
import { formatPath, type PathSegment } from '../../api/index.js';

/** One node of an OpenAPI v3 schema (only what is read here). */
export interface SchemaNode {
  type?: string;
  nullable?: boolean;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  pattern?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: unknown[];
}

/** One problem, at a field path. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

/** At most this many problems are reported for one object. */
const MAX_ISSUES = 20;
/** Fields the server checks itself, outside the schema. */
const SERVER_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v;

/** Every CEL rule under `node`, by path: the schema uses something this validator cannot evaluate. */
export function celRules(node: SchemaNode, path: PathSegment[] = []): string[] {
  const out: string[] = [];
  if ((node['x-kubernetes-validations'] ?? []).length > 0) out.push(formatPath(path) || '(root)');
  for (const [k, child] of Object.entries(node.properties ?? {})) out.push(...celRules(child, [...path, k]));
  if (node.items) out.push(...celRules(node.items, [...path, '[]']));
  if (typeof node.additionalProperties === 'object') out.push(...celRules(node.additionalProperties, [...path, '*']));
  return out;
}

/** The problems of `value` against the root schema (every field but apiVersion, kind and metadata). */
export function validateAgainstSchema(root: SchemaNode, value: Record<string, unknown>): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const add = (path: PathSegment[], message: string): void => {
    if (out.length < MAX_ISSUES) out.push({ path: formatPath(path), message });
  };
  const visit = (node: SchemaNode, v: unknown, path: PathSegment[], top: boolean): void => {
    if (out.length >= MAX_ISSUES) return;
    if (v === null) {
      if (!node.nullable) add(path, 'must not be null');
      return;
    }
    const actual = typeOf(v);
    if (node['x-kubernetes-int-or-string']) {
      if (actual !== 'integer' && actual !== 'string') add(path, `expected an integer or a string, got ${actual}`);
      return;
    }
    if (node.type) {
      const ok = node.type === actual || (node.type === 'number' && actual === 'integer');
      if (!ok) {
        add(path, `expected ${node.type}, got ${actual}`);
        return;
      }
    }
    if (node.enum && !node.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      add(path, `must be one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}`);
    }
    if (typeof v === 'number') {
      if (node.minimum !== undefined && (node.exclusiveMinimum ? v <= node.minimum : v < node.minimum)) {
        add(path, `must be ${node.exclusiveMinimum ? 'greater than' : 'at least'} ${node.minimum}`);
      }
      if (node.maximum !== undefined && (node.exclusiveMaximum ? v >= node.maximum : v > node.maximum)) {
        add(path, `must be ${node.exclusiveMaximum ? 'less than' : 'at most'} ${node.maximum}`);
      }
    }
    if (typeof v === 'string') {
      const length = [...v].length;
      if (node.minLength !== undefined && length < node.minLength)
        add(path, `must have at least ${node.minLength} characters`);
      if (node.maxLength !== undefined && length > node.maxLength)
        add(path, `must have at most ${node.maxLength} characters`);
      if (node.pattern !== undefined && !safeRegExp(node.pattern)?.test(v)) add(path, `must match ${node.pattern}`);
    }
    if (Array.isArray(v)) {
      if (node.minItems !== undefined && v.length < node.minItems)
        add(path, `must have at least ${node.minItems} items`);
      if (node.maxItems !== undefined && v.length > node.maxItems)
        add(path, `must have at most ${node.maxItems} items`);
      if (node.items) v.forEach((item, i) => visit(node.items as SchemaNode, item, [...path, i], false));
      return;
    }
    if (actual !== 'object') return;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => !(top && SERVER_FIELDS.has(k)));
    if (node.minProperties !== undefined && keys.length < node.minProperties) {
      add(path, `must have at least ${node.minProperties} fields`);
    }
    if (node.maxProperties !== undefined && keys.length > node.maxProperties) {
      add(path, `must have at most ${node.maxProperties} fields`);
    }
    for (const r of node.required ?? [])
      if (!(top && SERVER_FIELDS.has(r)) && obj[r] === undefined) add([...path, r], 'required');
    for (const k of keys) {
      const child = node.properties?.[k];
      if (child) visit(child, obj[k], [...path, k], false);
      else if (typeof node.additionalProperties === 'object')
        visit(node.additionalProperties, obj[k], [...path, k], false);
      else if (node.additionalProperties !== true && !node['x-kubernetes-preserve-unknown-fields']) {
        add([...path, k], 'unknown field');
      }
    }
  };
  visit(root, value, [], true);
  return out;
}

const PATTERNS = new Map<string, RegExp | undefined>();
/** A schema's pattern as a RegExp (cached); an unparseable pattern matches nothing, so the value is refused. */
function safeRegExp(pattern: string): RegExp | undefined {
  if (!PATTERNS.has(pattern)) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = undefined;
    }
    if (PATTERNS.size < 1000) PATTERNS.set(pattern, re);
    return re;
  }
  return PATTERNS.get(pattern);
}
