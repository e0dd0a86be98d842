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

/** A list's encoded entries, in chunks (a joined list keeps its parts' bytes), and its last whole response. */
type EncodedList = { chunks: readonly Buffer[]; last?: { key: string; bytes: Buffer } };

const resourceLists = new WeakMap<readonly WireDeltaResource[], EncodedList>();
const joined = new WeakMap<readonly WireDeltaResource[], readonly (readonly WireDeltaResource[])[]>();

/**
 * One frozen list made of frozen parts (a proxy's own resources and its group's shared ones): encoding it joins
 * the parts' cached bytes instead of encoding every resource again.
 */
export function joinResourceLists(parts: readonly (readonly WireDeltaResource[])[]): readonly WireDeltaResource[] {
  const list = Object.freeze(parts.flat());
  if (parts.every((p) => Object.isFrozen(p))) joined.set(list, parts);
  return list;
}

/**
 * The encoded field-2 entries of a resource list, with the list's cache entry. A frozen list (a set the server
 * sends to many proxies, such as every cluster to each proxy connecting) is encoded once and its bytes reused;
 * others are encoded each time.
 */
function encodedResourceList(resources: readonly WireDeltaResource[]): EncodedList {
  const hit = resourceLists.get(resources);
  if (hit) return hit;
  const parts = joined.get(resources);
  let chunks: readonly Buffer[];
  if (parts) {
    // Not copied here: the response copies each part once.
    chunks = parts.flatMap((p) => encodedResourceList(p).chunks);
  } else {
    const w = protobuf.Writer.create();
    for (const r of resources) w.uint32(tag(2)).bytes(encodedResource(r));
    chunks = [asBuffer(w.finish())];
  }
  const entry: EncodedList = { chunks };
  if (Object.isFrozen(resources)) resourceLists.set(resources, entry);
  return entry;
}

/**
 * Encodes a `DeltaDiscoveryResponse {system_version_info = 1, resources = 2, type_url = 4, nonce = 5,
 * removed_resources = 6}`: the small fields around the resources' bytes, joined with one copy. For a frozen list
 * shared by many proxies the last whole response is kept too: proxies that connect alike get byte-identical first
 * responses (same revision, same nonce sequence), and a megabyte each is then not copied once more per proxy.
 */
export function encodeDeltaDiscoveryResponse(m: WireDeltaResponse): Buffer {
  const list = encodedResourceList(m.resources);
  // Only a list many proxies share keeps its last response: a joined list is one proxy's own, and keeping a
  // response per proxy would hold a megabyte each for nothing.
  const key =
    Object.isFrozen(m.resources) && !joined.has(m.resources)
      ? JSON.stringify([m.system_version_info, m.type_url, m.nonce, m.removed_resources])
      : undefined;
  if (key !== undefined && list.last?.key === key) return list.last.bytes;
  const head = protobuf.Writer.create();
  if (m.system_version_info) head.uint32(tag(1)).string(m.system_version_info);
  const tail = protobuf.Writer.create();
  if (m.type_url) tail.uint32(tag(4)).string(m.type_url);
  if (m.nonce) tail.uint32(tag(5)).string(m.nonce);
  for (const name of m.removed_resources) tail.uint32(tag(6)).string(name);
  const bytes = Buffer.concat([head.finish(), ...list.chunks, tail.finish()]);
  if (key !== undefined) list.last = { key, bytes };
  return bytes;
}
