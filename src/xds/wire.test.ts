import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAny } from './any.js';
import { protoRoot } from './protos.js';
import { TYPE_URLS } from './type-urls.js';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse, joinResourceLists } from './wire.js';

// With defaults: an empty string is omitted here (proto3) but written by protobufjs; both mean the same.
const toObject = { longs: String, enums: String, defaults: true } as const;
const cla = (name: string) =>
  encodeAny(TYPE_URLS.endpoint, {
    cluster_name: name,
    endpoints: [
      { lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 80 } } } }] },
    ],
  });

test('a state-of-the-world response decodes with protobufjs to the message it was built from', () => {
  const Res = protoRoot().lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  const a = cla('a');
  const b = cla('b');
  for (const m of [
    { version_info: '7', resources: [a, b, a], type_url: TYPE_URLS.endpoint, nonce: '12' },
    { version_info: '', resources: [], type_url: TYPE_URLS.cluster, nonce: '1' },
  ]) {
    const decoded = Res.toObject(Res.decode(encodeDiscoveryResponse(m)), toObject);
    const expected = Res.toObject(Res.decode(Res.encode(Res.fromObject(m)).finish()), toObject);
    assert.deepEqual(decoded, expected);
  }
});

test('a delta response carries names, versions, resources and removals exactly', () => {
  const Res = protoRoot().lookupType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const a = cla('a');
  const m = {
    system_version_info: '3',
    resources: [
      { name: 'a', version: 'h1', resource: a },
      { name: 'a', version: 'h2', resource: a }, // same bytes, another version: not served from the cache
    ],
    type_url: TYPE_URLS.endpoint,
    nonce: '4',
    removed_resources: ['gone-1', 'gone-2'],
  };
  const decoded = Res.toObject(Res.decode(encodeDeltaDiscoveryResponse(m)), toObject);
  const expected = Res.toObject(Res.decode(Res.encode(Res.fromObject(m)).finish()), toObject);
  assert.deepEqual(decoded, expected);
  assert.deepEqual(
    (decoded['resources'] as { version: string }[]).map((r) => r.version),
    ['h1', 'h2'],
  );
  assert.deepEqual(decoded['removed_resources'], ['gone-1', 'gone-2']);
});

test('a frozen resource list is encoded once and reused byte for byte with other nonces; an unfrozen one is not kept', () => {
  const Res = protoRoot().lookupType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const shared = Object.freeze([
    { name: 'a', version: 'h1', resource: cla('a') },
    { name: 'b', version: 'h2', resource: cla('b') },
  ]);
  const base = { system_version_info: '9', resources: shared, type_url: TYPE_URLS.endpoint, removed_resources: [] };
  const one = Res.toObject(Res.decode(encodeDeltaDiscoveryResponse({ ...base, nonce: '1' })), toObject);
  const two = Res.toObject(Res.decode(encodeDeltaDiscoveryResponse({ ...base, nonce: '2' })), toObject);
  assert.deepEqual(one['resources'], two['resources']);
  assert.deepEqual([one['nonce'], two['nonce']], ['1', '2']);
  const expected = Res.toObject(Res.decode(Res.encode(Res.fromObject({ ...base, nonce: '1' })).finish()), toObject);
  assert.deepEqual(one, expected);
  // A list that may still change is encoded from its current content every time.
  const open = [{ name: 'a', version: 'h1', resource: cla('a') }];
  const before = encodeDeltaDiscoveryResponse({ ...base, resources: open, nonce: '3' });
  open.push({ name: 'c', version: 'h3', resource: cla('c') });
  const after = Res.toObject(
    Res.decode(encodeDeltaDiscoveryResponse({ ...base, resources: open, nonce: '3' })),
    toObject,
  );
  assert.ok(after['resources'] && (after['resources'] as unknown[]).length === 2, 'the grown list is sent whole');
  assert.ok(before.length < encodeDeltaDiscoveryResponse({ ...base, resources: open, nonce: '3' }).length);
});

test("a shared list's last whole response is reused; a proxy's joined list is encoded from its parts and not kept", () => {
  const Res = protoRoot().lookupType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const shared = Object.freeze([{ name: 'a', version: 'h1', resource: cla('a') }]);
  const own = Object.freeze([{ name: 'own', version: 'h9', resource: cla('own') }]);
  const m = { system_version_info: '1', type_url: TYPE_URLS.endpoint, nonce: '1', removed_resources: [] };
  assert.equal(
    encodeDeltaDiscoveryResponse({ ...m, resources: shared }),
    encodeDeltaDiscoveryResponse({ ...m, resources: shared }),
  );
  const joinedList = joinResourceLists([own, shared]);
  const first = encodeDeltaDiscoveryResponse({ ...m, resources: joinedList });
  const again = encodeDeltaDiscoveryResponse({ ...m, resources: joinedList });
  assert.notEqual(first, again, 'no response kept per proxy');
  assert.deepEqual(first, again);
  const decoded = Res.toObject(Res.decode(first), toObject);
  assert.deepEqual(
    (decoded['resources'] as { name: string }[]).map((r) => r.name),
    ['own', 'a'],
  );
});
