/**
 * The Any codec of contract C. Resources travel as `google.protobuf.Any`; in memory they are plain objects in
 * protobuf object form (snake_case fields, nested Anys as `{'@type': <type url>, ...fields}`).
 *
 * protobufjs silently encodes an Any whose `@type` it cannot resolve as an empty message, and silently drops field
 * names a type does not have, so {@link encodeAny} checks every key and nested `@type` first and throws
 * {@link UnknownTypeError} or {@link UnknownFieldError} instead (a loud bug rather than a proxy that quietly gets
 * no filters).
 */
import protobuf from 'protobufjs';
import { protoRoot } from './protos.js';

/** A JSON object in protobuf object form. */
export type XdsObject = { readonly [field: string]: unknown };

/** An encoded Any, the form a DiscoveryResponse carries. */
export interface EncodedAny {
  readonly type_url: string;
  readonly value: Uint8Array;
}

/** Error for an `@type` whose message type is not loaded. */
export class UnknownTypeError extends Error {
  readonly code = 'MB0801';
  constructor(
    readonly typeUrl: string,
    readonly path: string,
  ) {
    super(`${path}: @type ${typeUrl} has no loaded proto (add it to PROTO_FILES)`);
  }
}

/** Error for a field name the message type does not have (protobufjs would drop it silently). */
export class UnknownFieldError extends Error {
  readonly code = 'MB0802';
  constructor(
    readonly typeName: string,
    readonly path: string,
  ) {
    super(`${path}: ${typeName} has no such field`);
  }
}

/** The message type for a type URL, or throws {@link UnknownTypeError} (with `path` saying where it was met). */
export function messageType(typeUrl: string, path = '$'): protobuf.Type {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  try {
    return protoRoot().lookupType(name);
  } catch {
    throw new UnknownTypeError(typeUrl, path);
  }
}

/** Checks every key of `value` against `type`, following nested messages and Anys. */
function checkFields(type: protobuf.Type, value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') return;
  if (type.fullName === '.google.protobuf.Any') {
    const typeUrl = (value as Record<string, unknown>)['@type'];
    if (typeof typeUrl !== 'string') return;
    const inner = messageType(typeUrl, path);
    const { '@type': _ignored, ...rest } = value as Record<string, unknown>;
    checkFields(inner, rest, path);
    return;
  }
  const fields = type.fields;
  for (const [key, v] of Object.entries(value)) {
    const field = fields[key];
    if (!field) throw new UnknownFieldError(type.fullName.slice(1), `${path}.${key}`);
    if (!field.resolved) field.resolve();
    const child = field.resolvedType;
    if (!(child instanceof protobuf.Type)) continue;
    if (field.map && v && typeof v === 'object') {
      for (const [k, mv] of Object.entries(v)) checkFields(child, mv, `${path}.${key}[${k}]`);
    } else if (field.repeated && Array.isArray(v)) {
      v.forEach((item, i) => checkFields(child, item, `${path}.${key}[${i}]`));
    } else {
      checkFields(child, v, `${path}.${key}`);
    }
  }
}

// Translation output is immutable and reused across proxies and snapshots (mesh/translate/reuse.ts), so an object
// is checked and encoded once.
const encoded = new WeakMap<XdsObject, EncodedAny>();

/**
 * Encodes a resource (protobuf object form, nested Anys as `{'@type', ...}`) as an Any of `typeUrl`. Throws
 * {@link UnknownTypeError} when any nested `@type` is not loaded and {@link UnknownFieldError} for a field name
 * the type does not have.
 */
export function encodeAny(typeUrl: string, resource: XdsObject): EncodedAny {
  const cached = encoded.get(resource);
  if (cached?.type_url === typeUrl) return cached;
  const type = messageType(typeUrl);
  checkFields(type, resource, '$');
  const message = type.fromObject(resource);
  const any = { type_url: typeUrl, value: type.encode(message).finish() };
  encoded.set(resource, any);
  return any;
}

/** How {@link decodeAny} renders what protobuf object form leaves open. */
export interface DecodeOptions {
  /** 64-bit integers as strings (the default: exact) or as numbers (as translation output writes them). */
  readonly longs?: typeof String | typeof Number;
  /** Also set each oneof's name to the field it holds (the default, proto-loader's form). */
  readonly oneofs?: boolean;
}

/** The form translation output is written in (64-bit integers as numbers, no oneof names): for comparing with it. */
export const AS_TRANSLATED: DecodeOptions = Object.freeze({ longs: Number, oneofs: false });

/**
 * Decodes an Any to a plain object: snake_case fields, enums as names, nested Anys expanded to
 * `{'@type': url, ...fields}`, defaults left out. Throws {@link UnknownTypeError} for a type that is not loaded
 * and protobufjs's error for malformed bytes.
 */
export function decodeAny(
  any: { type_url: string; value: Uint8Array },
  o: DecodeOptions = {},
): Record<string, unknown> {
  const type = messageType(any.type_url);
  return type.toObject(type.decode(any.value), {
    json: true,
    enums: String,
    longs: o.longs ?? String,
    oneofs: o.oneofs ?? true,
    defaults: false,
  });
}
