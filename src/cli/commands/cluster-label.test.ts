import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelArgs } from './cluster-label.js';

test('label arguments set values with key=value and remove keys with key-', () => {
  assert.deepEqual(parseLabelArgs(['topology.kubernetes.io/region=eu-west-2', 'old-', 'empty=']), {
    'topology.kubernetes.io/region': 'eu-west-2',
    old: null,
    empty: '',
  });
});

test('a label argument without = or trailing - is refused with the argument named', () => {
  assert.throws(() => parseLabelArgs(['region']), /invalid label "region"/);
  assert.throws(() => parseLabelArgs(['=x']), /invalid label "=x"/);
});
