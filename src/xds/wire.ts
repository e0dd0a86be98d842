/**
 * Serialisers for the two ADS responses that reuse the bytes of each resource. A resource is encoded once
 * (any.ts caches its `EncodedAny`); here the enclosing `google.protobuf.Any` (and, for delta, the
 * `envoy.service.discovery.v3.Resource`) is also encoded once per resource, so a response to a thousand proxies
 * costs a thousand copies of cached bytes, not a thousand re-encodings through protobufjs's object path.
 *
 * The output is byte-for-byte a valid encoding of the message (fields in field-number order, proto3 defaults
 * omitted); `wire.test.ts` checks it decodes to the same message with protobufjs.
 */
import protobuf from 'protobufjs';
import type { EncodedAny } from './any.js';

/** A `DiscoveryResponse` (state of the world) as the server writes it. */
export interface WireDiscoveryResponse {
  readonly version_info: string;
  readonly resources: readonly EncodedAny[];
  readonly type_url: string;
  readonly nonce: string;
}

/** One `envoy.service.discovery.v3.Resource` of a delta response. */
export interface WireDeltaResource {
  readonly name: string;
  /** The resource's version (a content hash here), what the client echoes in `initial_resource_versions`. */
  readonly version: string;
  readonly resource: EncodedAny;
}

/** A `DeltaDiscoveryResponse` as the server writes it. */
export interface WireDeltaResponse {
  readonly system_version_info: string;
  readonly resources: readonly WireDeltaResource[];
  readonly type_url: string;
  readonly nonce: string;
  readonly removed_resources: readonly string[];
}

// Protobuf tags: (field number << 3) | wire type 2 (length-delimited).
const tag = (field: number): number => (field << 3) | 2;

const anyBytes = new WeakMap<EncodedAny, Uint8Array>();

/** The encoded `google.protobuf.Any {type_url = 1, value = 2}`, cached per EncodedAny (they are immutable). */
function encodedAnyMessage(any: EncodedAny): Uint8Array {
  let bytes = anyBytes.get(any);
  if (!bytes) {
    bytes = protobuf.Writer.create().uint32(tag(1)).string(any.type_url).uint32(tag(2)).bytes(any.value).finish();
    anyBytes.set(any, bytes);
  }
  return bytes;
}

const resourceBytes = new WeakMap<EncodedAny, { name: string; version: string; bytes: Uint8Array }>();

/** The encoded `Resource {version = 1, resource = 2, name = 3}`, cached per resource for its name and version. */
function encodedResource(r: WireDeltaResource): Uint8Array {
  const hit = resourceBytes.get(r.resource);
  if (hit && hit.name === r.name && hit.version === r.version) return hit.bytes;
  const w = protobuf.Writer.create();
  if (r.version) w.uint32(tag(1)).string(r.version);
  w.uint32(tag(2)).bytes(encodedAnyMessage(r.resource));
  if (r.name) w.uint32(tag(3)).string(r.name);
  const bytes = w.finish();
  resourceBytes.set(r.resource, { name: r.name, version: r.version, bytes });
  return bytes;
}

const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.length));

/** Encodes a `DiscoveryResponse {version_info = 1, resources = 2, type_url = 4, nonce = 5}`. */
export function encodeDiscoveryResponse(m: WireDiscoveryResponse): Buffer {
  const w = protobuf.Writer.create();
  if (m.version_info) w.uint32(tag(1)).string(m.version_info);
  for (const r of m.resources) w.uint32(tag(2)).bytes(encodedAnyMessage(r));
  if (m.type_url) w.uint32(tag(4)).string(m.type_url);
  if (m.nonce) w.uint32(tag(5)).string(m.nonce);
  return asBuffer(w.finish());
}

/**
 * Encodes a `DeltaDiscoveryResponse {system_version_info = 1, resources = 2, type_url = 4, nonce = 5,
 * removed_resources = 6}`.
 */
export function encodeDeltaDiscoveryResponse(m: WireDeltaResponse): Buffer {
  const w = protobuf.Writer.create();
  if (m.system_version_info) w.uint32(tag(1)).string(m.system_version_info);
  for (const r of m.resources) w.uint32(tag(2)).bytes(encodedResource(r));
  if (m.type_url) w.uint32(tag(4)).string(m.type_url);
  if (m.nonce) w.uint32(tag(5)).string(m.nonce);
  for (const name of m.removed_resources) w.uint32(tag(6)).string(name);
  return asBuffer(w.finish());
}
