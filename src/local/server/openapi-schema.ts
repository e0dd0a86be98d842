/**
 * Turns the resource model's JSON Schemas (draft 2020-12, generated from the zod models: api/json-schema.ts) into
 * OpenAPI 3.0 schemas as Kubernetes publishes them, for `kubectl explain`: the 2020-12-only forms become their 3.0
 * equivalents (numeric `exclusiveMinimum` -> `minimum` + boolean, `const` -> one-value `enum`), an integer-or-string
 * union becomes `x-kubernetes-int-or-string`, and the kind's schema carries `x-kubernetes-group-version-kind`
 * (what kubectl looks a kind up by). Pure; the input is never modified.
 */

type Json = Record<string, unknown>;
const isRec = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isIntOrString(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false;
  const types = anyOf.map((s) => (isRec(s) ? s.type : undefined)).sort();
  return types[0] === 'integer' && types[1] === 'string';
}

/** Pure: one JSON Schema node (and everything under it) as OpenAPI 3.0. */
export function toOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (!isRec(schema)) return schema;
  if (isIntOrString(schema.anyOf)) return { 'x-kubernetes-int-or-string': true };
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case '$schema':
        break;
      case 'const':
        out.enum = [value];
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof value === 'number') {
          out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
          out[key] = true;
        } else out[key] = value;
        break;
      case 'properties':
        out.properties = isRec(value)
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOpenApiSchema(v)]))
          : value;
        break;
      default:
        out[key] = typeof value === 'object' && value !== null ? toOpenApiSchema(value) : value;
    }
  }
  return out;
}

/** Pure: the OpenAPI schema of a kind, tagged with its group, version and kind. */
export function kindSchema(options: {
  readonly jsonSchema: Record<string, unknown>;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}): Record<string, unknown> {
  const { group, version, kind } = options;
  const gv = group === '' ? version : `${group}/${version}`;
  return {
    ...(toOpenApiSchema(options.jsonSchema) as Json),
    description: `${kind} (${gv}) as this cluster serves it; fields and constraints come from meshbridge's resource model.`,
    'x-kubernetes-group-version-kind': [{ group, version, kind }],
  };
}
