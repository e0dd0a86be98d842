/**
 * A small checker for Kubernetes structural schemas (the `openAPIV3Schema` of a CRD), enough for Istio's CRDs:
 * types, properties/additionalProperties (unknown fields are errors, as with strict field validation), required,
 * enum, bounds, lengths, item/property counts, `format: int32`, `oneOf`/`anyOf`/`allOf`/`not` with `required`
 * forms, and the CEL rules (`x-kubernetes-validations`) that occur in `istio-crds/`, each evaluated by an
 * equivalent predicate. An unknown rule is reported as an error, never skipped.
 */

/** A JSON schema node as the CRD writes it. */
export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  not?: SchemaNode;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
  [other: string]: unknown;
}

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (v: Json, k: string): boolean => isObj(v) && v[k] !== undefined;

/** Go/protobuf duration (`10s`, `1.5m`, `300ms`) in milliseconds, or NaN. */
function durationMs(s: string): number {
  const m = /^((?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns))+)$/.exec(s);
  if (!m) return NaN;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
  let total = 0;
  for (const [, n, u] of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g))
    total += Number(n) * (unit[u as string] ?? NaN);
  return total;
}

const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const str = (v: Json): string => (typeof v === 'string' ? v : '');
/** The CEL rules of the Istio CRDs, as JavaScript predicates over `self`. */
const RULES: Record<string, (self: Json) => boolean> = {
  'self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true': (s) =>
    !str(s).startsWith('unix://') || ['/', '@'].includes(str(s).slice(7, 8)),
  'self.startsWith("unix://") ? !self.endsWith("/") : true': (s) =>
    !str(s).startsWith('unix://') || !str(s).endsWith('/'),
  '0 < self && self <= 65535': (s) => typeof s === 'number' && s > 0 && s <= 65535,
  'self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))': (s) =>
    Object.keys(s as object).every((k) => k.length < 63 && PORT_NAME.test(k)),
  'has(self.address) || has(self.network)': (s) => has(s, 'address') || has(s, 'network'),
  '(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true': (s) =>
    !str(isObj(s) ? s.address : '').startsWith('unix://') || !has(s, 'ports'),
  'self != "*"': (s) => s !== '*',
  'self.all(l1, self.exists_one(l2, l1.number == l2.number))': (s) => {
    const nums = (s as { number?: number }[]).map((p) => p.number);
    return nums.every((n) => nums.filter((m) => m === n).length === 1);
  },
  '!self.contains("*")': (s) => !str(s).includes('*'),
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1': (s) =>
    Number(has(s, 'workloadSelector')) + Number(has(s, 'endpoints')) <= 1,
  '!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))':
    (s) => {
      const o = s as { addresses?: string[]; resolution?: string };
      return !(
        (o.addresses ?? []).some((k) => k.includes('/')) && !['STATIC', 'NONE'].includes(o.resolution ?? 'NONE')
      );
    },
  '((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true': (s) =>
    ((s as { resolution?: string }).resolution ?? 'NONE') !== 'NONE' || !has(s, 'endpoints'),
  '((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true':
    (s) => {
      const o = s as { resolution?: string; endpoints?: unknown[] };
      return o.resolution !== 'DNS_ROUND_ROBIN' || (o.endpoints ?? []).length <= 1;
    },
  "duration(self) >= duration('1ms')": (s) => durationMs(str(s)) >= 1,
  // Gateway server TLS: at most one way of naming the certificates. (Istio's third rule repeats the first with
  // the operands swapped although its message names credentialName; transcribed as Istio states it.)
  '(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': (s) =>
    Number(has(s, 'tlsCertificates')) + Number(has(s, 'credentialNames')) <= 1,
  '(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': (s) =>
    Number(has(s, 'credentialName')) + Number(has(s, 'credentialNames')) <= 1,
  '(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1': (s) =>
    Number(has(s, 'credentialNames')) + Number(has(s, 'tlsCertificates')) <= 1,
};

/** Checks `value` against `schema`; returns every problem as `path: message` (empty when valid). */
export function checkSchema(schema: SchemaNode, value: Json, path = ''): string[] {
  const errs: string[] = [];
  const at = path || '<root>';
  if (value === null) {
    if (!schema.nullable) errs.push(`${at}: null is not allowed`);
    return errs;
  }
  switch (schema.type) {
    case 'object':
      if (!isObj(value)) return [`${at}: expected object`];
      break;
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected array`];
      break;
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected string`];
      break;
    case 'integer':
      if (!Number.isInteger(value)) return [`${at}: expected integer`];
      break;
    case 'number':
      if (typeof value !== 'number') return [`${at}: expected number`];
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${at}: expected boolean`];
      break;
    case undefined:
      break;
  }
  if (schema.enum && !schema.enum.includes(value)) errs.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${at}: below minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${at}: above maximum ${schema.maximum}`);
    if (schema.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) errs.push(`${at}: not an int32`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errs.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      errs.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      errs.push(`${at}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errs.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errs.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items)
      value.forEach((v, i) => errs.push(...checkSchema(schema.items as SchemaNode, v, `${path}[${i}]`)));
  }
  if (isObj(value)) {
    const keys = Object.keys(value);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties)
      errs.push(`${at}: more than ${schema.maxProperties} properties`);
    for (const r of schema.required ?? [])
      if (value[r] === undefined) errs.push(`${path ? `${path}.` : ''}${r}: required`);
    for (const k of keys) {
      const sub = `${path ? `${path}.` : ''}${k}`;
      const prop = schema.properties?.[k];
      if (prop) errs.push(...checkSchema(prop, value[k], sub));
      else if (isObj(schema.additionalProperties))
        errs.push(...checkSchema(schema.additionalProperties, value[k], sub));
      else if (
        schema.type === 'object' &&
        !schema['x-kubernetes-preserve-unknown-fields'] &&
        (schema.properties || schema.additionalProperties === false)
      ) {
        errs.push(`${sub}: unknown field`);
      }
    }
  }
  const ok = (s: SchemaNode): boolean => checkSchema(s, value, path).length === 0;
  if (schema.oneOf && schema.oneOf.filter(ok).length !== 1) errs.push(`${at}: must match exactly one of oneOf`);
  if (schema.anyOf && !schema.anyOf.some(ok)) errs.push(`${at}: must match one of anyOf`);
  for (const s of schema.allOf ?? []) errs.push(...checkSchema(s, value, path));
  if (schema.not && ok(schema.not)) errs.push(`${at}: must not match "not" schema`);
  for (const v of schema['x-kubernetes-validations'] ?? []) {
    const pred = RULES[v.rule];
    if (!pred) errs.push(`${at}: CEL rule not supported by this checker: ${v.rule}`);
    else if (!pred(value)) errs.push(`${at}: ${v.message}`);
  }
  return errs;
}
