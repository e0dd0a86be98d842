import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AS_TRANSLATED, decodeAny, encodeAny, UnknownFieldError, UnknownTypeError, type XdsObject } from './any.js';
import { EXTENSION_TYPE_URLS, TYPE_URLS } from './type-urls.js';

/** One sample per extension type with a field set, so an empty decode can only mean a lost type. */
const SAMPLES: Record<keyof typeof EXTENSION_TYPE_URLS, XdsObject> = {
  httpConnectionManager: {
    stat_prefix: 'outbound',
    rds: { route_config_name: 'outbound', config_source: { ads: {} } },
  },
  router: { suppress_envoy_headers: true },
  tcpProxy: { stat_prefix: 'x', cluster: 'outbound|9080||details.bookinfo.svc.cluster.local' },
  tlsInspector: { enable_ja3_fingerprinting: { value: true } },
  upstreamTlsContext: { sni: 'outbound_.9080_._.details.bookinfo.svc.cluster.local' },
  downstreamTlsContext: { require_client_certificate: { value: true } },
  previousHosts: {},
  previousPriorities: { update_frequency: 2 },
};

test('an Any of every extension type the translation uses decodes back with its fields', () => {
  for (const [key, url] of Object.entries(EXTENSION_TYPE_URLS)) {
    const sample = SAMPLES[key as keyof typeof EXTENSION_TYPE_URLS];
    // Nest it the way listeners do, so the Any goes through protobufjs's Any handling.
    const listener = encodeAny(TYPE_URLS.listener, {
      name: 'l',
      filter_chains: [{ filters: [{ name: key, typed_config: { '@type': url, ...sample } }] }],
    });
    const decoded = decodeAny(listener, AS_TRANSLATED) as {
      filter_chains: { filters: { typed_config: Record<string, unknown> }[] }[];
    };
    const typed = decoded.filter_chains[0]?.filters[0]?.typed_config;
    assert.deepEqual(typed, { '@type': url, ...sample }, key);
  }
});

test('an @type without a loaded proto is refused instead of being encoded as an empty Any', () => {
  assert.throws(
    () =>
      encodeAny(TYPE_URLS.listener, {
        name: 'l',
        filter_chains: [{ filters: [{ name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.Missing' } }] }],
      }),
    (e: unknown) => e instanceof UnknownTypeError && e.path === '$.filter_chains[0].filters[0].typed_config',
  );
});

test('a misspelt field is refused instead of being dropped', () => {
  assert.throws(
    () => encodeAny(TYPE_URLS.endpoint, { cluster_name: 'c', endpoints: [{ load_balancing_weigth: { value: 1 } }] }),
    (e: unknown) => e instanceof UnknownFieldError && e.path === '$.endpoints[0].load_balancing_weigth',
  );
});

/** Drops proto3 default values, which protobuf never sends, so a round trip can be compared. */
function withoutDefaults(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDefaults);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === 0 || x === '' || x === false || (Array.isArray(x) && x.length === 0)) continue;
      out[k] = withoutDefaults(x);
    }
    return out;
  }
  return v;
}

test('every golden translation output survives encode/decode unchanged', () => {
  const dir = fileURLToPath(new URL('../../test/mesh/golden', import.meta.url));
  const urls = {
    clusters: TYPE_URLS.cluster,
    endpoints: TYPE_URLS.endpoint,
    routes: TYPE_URLS.route,
    listeners: TYPE_URLS.listener,
  };
  let count = 0;
  for (const name of readdirSync(dir)) {
    const expected = JSON.parse(readFileSync(join(dir, name, 'expected.json'), 'utf8')) as Record<string, XdsObject[]>;
    for (const [kind, url] of Object.entries(urls)) {
      for (const resource of expected[kind] ?? []) {
        const back = decodeAny(encodeAny(url, resource), AS_TRANSLATED);
        assert.deepEqual(withoutDefaults(back), withoutDefaults(resource), `${name} ${kind}`);
        count += 1;
      }
    }
  }
  assert.ok(count > 20, `only ${count} resources checked`);
});
