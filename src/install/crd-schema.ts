/**
 * From the resource model's JSON Schema (zod's draft 2020-12 output) to a CustomResourceDefinition's structural
 * `openAPIV3Schema` (Kubernetes' OpenAPI v3.0 subset): the API server prunes, defaults and validates with it, so the
 * CRD accepts exactly what the REST API's validator accepts as far as a structural schema can say it. Pure.
 *
 * Structural rules followed (Kubernetes "Specifying a structural schema"): every node has a `type` unless it is
 * `x-kubernetes-int-or-string` or `x-kubernetes-preserve-unknown-fields`; `properties` and `additionalProperties`
 * never together; no `$ref`; `anyOf` only without types inside (we never emit it: a union that is not int-or-string
 * keeps its data as unknown fields, which the REST API's validator still checks).
 */

/** A JSON Schema node as zod emits it (only the fields we read). */
export type JsonSchema = { [key: string]: unknown };

/** Patterns Go's RE2 cannot run (lookaround, backreferences): such a pattern is left to the REST validator. */
const NOT_RE2 = /\(\?[=!<]|\\[1-9]/;

/** Translates one schema node; `root` marks the top (its `$schema` and `$defs` are dropped). */
export function toStructuralSchema(node: JsonSchema): JsonSchema {
  const anyOf = node.anyOf ?? node.oneOf;
  if (Array.isArray(anyOf)) return unionOf(anyOf as JsonSchema[]);
  if ('const' in node) return { ...typeOf(node.const), enum: [node.const] };
  const type = node.type;
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    if (rest.length === 1) return { ...toStructuralSchema({ ...node, type: rest[0] }), nullable: true };
    return { 'x-kubernetes-preserve-unknown-fields': true };
  }
  switch (type) {
    case 'object':
      return objectOf(node);
    case 'array':
      return {
        type: 'array',
        items: node.items
          ? toStructuralSchema(node.items as JsonSchema)
          : { 'x-kubernetes-preserve-unknown-fields': true },
        ...pick(node, ['minItems', 'maxItems', 'description']),
      };
    case 'string':
      return {
        type: 'string',
        ...pick(node, ['enum', 'minLength', 'maxLength', 'format', 'description', 'default']),
        ...(typeof node.pattern === 'string' && !NOT_RE2.test(node.pattern) ? { pattern: node.pattern } : {}),
      };
    case 'integer':
    case 'number':
      return { type, ...numberBounds(node), ...pick(node, ['enum', 'description', 'default']) };
    case 'boolean':
      return { type: 'boolean', ...pick(node, ['description', 'default']) };
    default:
      // `{}` (z.unknown()) and anything else without a type: keep the data, let the REST validator judge it.
      return { 'x-kubernetes-preserve-unknown-fields': true, ...pick(node, ['description']) };
  }
}

function objectOf(node: JsonSchema): JsonSchema {
  const props = node.properties as Record<string, JsonSchema> | undefined;
  const extra = node.additionalProperties;
  const out: JsonSchema = { type: 'object', ...pick(node, ['description']) };
  if (props && Object.keys(props).length > 0) {
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toStructuralSchema(v)]));
    const required = (node.required as string[] | undefined) ?? [];
    if (required.length > 0) out.required = required;
    // additionalProperties: false is the structural default (unknown fields are pruned); anything else can only be
    // kept by preserving unknown fields.
    if (extra !== undefined && extra !== false) out['x-kubernetes-preserve-unknown-fields'] = true;
    return out;
  }
  if (extra && typeof extra === 'object' && Object.keys(extra).length > 0) {
    out.additionalProperties = toStructuralSchema(extra as JsonSchema);
    return out;
  }
  out['x-kubernetes-preserve-unknown-fields'] = true;
  return out;
}

/** An integer-or-string union (ports, quantities) is Kubernetes' int-or-string; any other union keeps its data. */
function unionOf(options: JsonSchema[]): JsonSchema {
  const types = new Set(options.map((o) => o.type));
  const numeric = types.has('integer') || types.has('number');
  if (types.size === 2 && numeric && types.has('string')) return { 'x-kubernetes-int-or-string': true };
  const nonNull = options.filter((o) => o.type !== 'null');
  if (nonNull.length === 1 && nonNull.length < options.length) {
    return { ...toStructuralSchema(nonNull[0] as JsonSchema), nullable: true };
  }
  if (options.every((o) => 'const' in o || (o.type === 'string' && Array.isArray(o.enum)))) {
    const values = options.flatMap((o) => ('const' in o ? [o.const] : (o.enum as unknown[])));
    if (values.every((v) => typeof v === 'string')) return { type: 'string', enum: values };
  }
  return { 'x-kubernetes-preserve-unknown-fields': true };
}

function typeOf(value: unknown): JsonSchema {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  return { 'x-kubernetes-preserve-unknown-fields': true };
}

/** JSON Schema 2020-12 bounds to OpenAPI v3.0 ones (exclusive bounds are booleans there); unsafe extremes dropped. */
function numberBounds(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  const safe = (v: unknown): v is number => typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER;
  if (safe(node.minimum)) out.minimum = node.minimum;
  if (safe(node.maximum)) out.maximum = node.maximum;
  if (safe(node.exclusiveMinimum)) Object.assign(out, { minimum: node.exclusiveMinimum, exclusiveMinimum: true });
  if (safe(node.exclusiveMaximum)) Object.assign(out, { maximum: node.exclusiveMaximum, exclusiveMaximum: true });
  return out;
}

function pick(node: JsonSchema, keys: readonly string[]): JsonSchema {
  return Object.fromEntries(keys.filter((k) => node[k] !== undefined).map((k) => [k, node[k]]));
}
