import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition } from './prom-text.js';

test('reads samples with labels, escaped label values, special values and timestamps; skips comments', () => {
  const text = [
    '# HELP istio_requests_total Total requests.',
    '# TYPE istio_requests_total counter',
    'istio_requests_total{reporter="source",source_workload="productpage-v1",response_code="200"} 42',
    'weird{path="a\\"b\\\\c\\nd", x = "1" ,} 1.5e3 1700000000000',
    'up 1',
    'gauge_nan NaN',
    'bucket{le="+Inf"} +Inf',
    '',
  ].join('\r\n');
  const { samples, errors } = parseExposition(text);
  assert.deepEqual(errors, []);
  assert.equal(samples.length, 5);
  assert.deepEqual(samples[0], {
    name: 'istio_requests_total',
    labels: { reporter: 'source', source_workload: 'productpage-v1', response_code: '200' },
    value: 42,
  });
  assert.deepEqual(samples[1], {
    name: 'weird',
    labels: { path: 'a"b\\c\nd', x: '1' },
    value: 1500,
    timestampMs: 1700000000000,
  });
  assert.deepEqual(samples[2], { name: 'up', labels: {}, value: 1 });
  assert.ok(Number.isNaN(samples[3]!.value));
  assert.equal(samples[4]!.value, Infinity);
});

test('reports malformed lines with their line numbers and keeps the good ones', () => {
  const { samples, errors } = parseExposition(
    ['ok 1', '{a="b"} 1', 'm{a=b} 1', 'm{a="b" 1', 'm abc', 'm 1 2 3', 'm 1 1.5', 'last 2'].join('\n'),
  );
  assert.deepEqual(
    samples.map((s) => s.name),
    ['ok', 'last'],
  );
  assert.deepEqual(
    errors.map((e) => e.line),
    [2, 3, 4, 5, 6, 7],
  );
  assert.ok(errors.every((e) => e.message.length > 0));
});

test('never throws on arbitrary input', () => {
  for (const text of ['{', '}', 'a{', 'a{b', 'a{b="', 'a{b="\\', '\u0000', 'a{}', 'a{} ', '#']) {
    const r = parseExposition(text);
    assert.ok(Array.isArray(r.samples) && Array.isArray(r.errors), JSON.stringify(text));
  }
});
