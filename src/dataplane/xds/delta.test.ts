import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_URLS } from '../../xds/index.js';
import { deltaResubscribe, deltaSubscribe, MAX_DELTA_RESOURCES, readDeltaResponse } from './delta.js';
import { emptyState } from './snapshot.js';

const any = (type_url: string = TYPE_URLS.endpoint) => ({ type_url, value: new Uint8Array() });

test('deltaSubscribe: CDS/LDS as the legacy wildcard, EDS/RDS by name, each with the versions held', () => {
  const state = emptyState();
  state.cluster.versions.set('c1', 'v1');
  state.endpoint.names = ['c1'];
  state.endpoint.versions.set('c1', 'v9');
  assert.deepEqual(deltaSubscribe('cluster', state.cluster), {
    type_url: TYPE_URLS.cluster,
    resource_names_subscribe: [],
    initial_resource_versions: { c1: 'v1' },
  });
  assert.deepEqual(deltaSubscribe('endpoint', state.endpoint), {
    type_url: TYPE_URLS.endpoint,
    resource_names_subscribe: ['c1'],
    initial_resource_versions: { c1: 'v9' },
  });
});

test('deltaResubscribe: only the names added and dropped; nothing when unchanged', () => {
  assert.deepEqual(deltaResubscribe('endpoint', ['a', 'b'], ['b', 'c']), {
    type_url: TYPE_URLS.endpoint,
    resource_names_subscribe: ['c'],
    resource_names_unsubscribe: ['a'],
  });
  assert.equal(deltaResubscribe('route', ['x'], ['x']), undefined);
});

test('readDeltaResponse: table of malformed responses, each with a located error', () => {
  const base = { type_url: TYPE_URLS.endpoint, nonce: '1' };
  const cases: Array<[string, Parameters<typeof readDeltaResponse>[0], RegExp]> = [
    ['a nameless resource', { ...base, resources: [{ resource: any() }] }, /resources\[0\]\.name: must be 1-4096/],
    ['a name too long', { ...base, resources: [{ name: 'n'.repeat(4097), resource: any() }] }, /resources\[0\]\.name/],
    ['no resource', { ...base, resources: [{ name: 'a' }] }, /resources\[0\] \(a\): no resource/],
    [
      'another type',
      { ...base, resources: [{ name: 'a', resource: any(TYPE_URLS.cluster) }] },
      /resources\[0\] \(a\): type .*Cluster in a/,
    ],
    [
      'a duplicate',
      {
        ...base,
        resources: [
          { name: 'a', resource: any() },
          { name: 'a', resource: any() },
        ],
      },
      /duplicate resource a/,
    ],
    [
      'set and removed',
      { ...base, resources: [{ name: 'a', resource: any() }], removed_resources: ['a'] },
      /a both set and removed/,
    ],
    [
      'too many',
      { ...base, resources: Array.from({ length: MAX_DELTA_RESOURCES + 1 }, () => ({})) },
      /exceeds the limit/,
    ],
  ];
  for (const [what, res, error] of cases) {
    const r = readDeltaResponse(res);
    assert.equal(r.ok, false, what);
    if (!r.ok) assert.match(r.errors.join('; '), error, what);
  }
  const good = readDeltaResponse({
    ...base,
    resources: [{ name: 'a', version: 'v', resource: any() }],
    removed_resources: ['b'],
  });
  assert.ok(good.ok);
  if (good.ok) {
    assert.deepEqual(
      good.items.map((i) => [i.name, i.version]),
      [['a', 'v']],
    );
    assert.deepEqual(good.removed, ['b']);
  }
});
