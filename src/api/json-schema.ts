/** JSON Schema of every kind, generated from the same zod schemas the validator uses (never written by hand). */
import { z } from 'zod';
import { SCHEMAS, type KindName } from './kinds/index.js';

const cache = new Map<KindName, Record<string, unknown>>();

/**
 * The JSON Schema (draft 2020-12) of a kind's objects, as input: optional fields are optional, unknown fields are
 * refused (`additionalProperties: false`). The result is shared: do not modify it.
 */
export function jsonSchemaFor(kind: KindName): Record<string, unknown> {
  let schema = cache.get(kind);
  if (!schema) {
    schema = z.toJSONSchema(SCHEMAS[kind], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    cache.set(kind, schema);
  }
  return schema;
}
