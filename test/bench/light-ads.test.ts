/**
 * The scale benchmark's light clients read only a response's envelope (bench/lib/light-ads.ts): checked here
 * against the server's own encoders (src/xds/wire.ts) for both protocols, and against protobufjs's full encoding
 * with a field the envelope does not read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEnvelope } from '../../bench/lib/light-ads.js';
import { encodeAny } from '../../src/xds/any.js';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from '../../src/xds/wire.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { protoRoot } from '../../src/xds/protos.js';

const cla = (name: string) => encodeAny(TYPE_URLS.endpoint, { cluster_name: name, endpoints: [] });

test('a state-of-the-world response: version, type, nonce and the resource count', () => {
  const bytes = encodeDiscoveryResponse({
    version_info: 'v7',
    resources: [cla('a'), cla('b'), cla('c')],
    type_url: TYPE_URLS.endpoint,
    nonce: 'n-1',
  });
  assert.deepEqual(decodeEnvelope(bytes, 'sotw'), {
    typeUrl: TYPE_URLS.endpoint,
    version: 'v7',
    nonce: 'n-1',
    resources: 3,
    removed: 0,
  });
});

test('a delta response: system version, resources and removed names', () => {
  const bytes = encodeDeltaDiscoveryResponse({
    system_version_info: 's3',
    resources: [{ name: 'a', version: 'h1', resource: cla('a') }],
    type_url: TYPE_URLS.endpoint,
    nonce: 'n-2',
    removed_resources: ['b', 'c'],
  });
  assert.deepEqual(decodeEnvelope(bytes, 'delta'), {
    typeUrl: TYPE_URLS.endpoint,
    version: 's3',
    nonce: 'n-2',
    resources: 1,
    removed: 2,
  });
});

test('fields the envelope does not read are skipped, whatever their wire type', () => {
  const Res = protoRoot().lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  const bytes = Res.encode(
    Res.fromObject({
      version_info: 'v1',
      canary: true,
      type_url: TYPE_URLS.cluster,
      nonce: 'n',
      control_plane: { identifier: 'cp' },
    }),
  ).finish();
  assert.deepEqual(decodeEnvelope(bytes, 'sotw'), {
    typeUrl: TYPE_URLS.cluster,
    version: 'v1',
    nonce: 'n',
    resources: 0,
    removed: 0,
  });
});
