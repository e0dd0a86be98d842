import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAILOVER_ANNOTATIONS,
  failoverAnnotations,
  overprovisioningFactorFor,
  parseFailoverAnnotations,
} from './failover-policy.js';

test('a policy written as annotations reads back the same, in numbers', () => {
  const annotations = failoverAnnotations({
    minHealthyPercent: 80,
    failbackDelay: '1.5s',
    failbackRamp: '1m',
    failoverOrder: ['cluster=cluster-3', 'locality=eu-west-1'],
  });
  assert.deepEqual(parseFailoverAnnotations(annotations), {
    behaviour: {
      minHealthyPercent: 80,
      failbackDelayMs: 1500,
      failbackRampMs: 60_000,
      failoverOrder: ['cluster=cluster-3', 'locality=eu-west-1'],
    },
    errors: [],
  });
  assert.deepEqual(parseFailoverAnnotations(undefined), { behaviour: {}, errors: [] });
});

test('each malformed annotation is reported at its key and left out', () => {
  const { behaviour, errors } = parseFailoverAnnotations({
    [FAILOVER_ANNOTATIONS.minHealthyPercent]: '0',
    [FAILOVER_ANNOTATIONS.failbackDelay]: '2h',
    [FAILOVER_ANNOTATIONS.failbackRamp]: 'soon',
    [FAILOVER_ANNOTATIONS.order]: 'cluster=ok,elsewhere',
  });
  assert.deepEqual(behaviour, {});
  assert.deepEqual(
    errors.map((e) => e.annotation),
    [
      FAILOVER_ANNOTATIONS.minHealthyPercent,
      FAILOVER_ANNOTATIONS.failbackDelay,
      FAILOVER_ANNOTATIONS.failbackRamp,
      FAILOVER_ANNOTATIONS.order,
    ],
  );
  assert.match(errors[3]?.message ?? '', /"elsewhere" is not cluster=NAME or locality=/);
});

test('minHealthyPercent maps to the factor at which a level starts to spill (Envoy: 140 is 72 %)', () => {
  assert.equal(overprovisioningFactorFor(100), 100);
  assert.equal(overprovisioningFactorFor(80), 125);
  assert.equal(overprovisioningFactorFor(72), 139);
  assert.equal(overprovisioningFactorFor(50), 200);
});
