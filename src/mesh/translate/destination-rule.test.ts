import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DestinationRule } from '../inputs.js';
import { createSnapshot } from '../snapshot.js';
import {
  connectTimeoutMs,
  findDestinationRule,
  outlierDetection,
  priorityPolicy,
  ruleHost,
} from './destination-rule.js';

const rule = (
  name: string,
  namespace: string,
  host: string,
  spec: Partial<NonNullable<DestinationRule['spec']>> = {},
) =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name, namespace },
    spec: { host, ...spec },
  }) as DestinationRule;
const FQDN = 'details.bookinfo.svc.cluster.local';

test('a bare host is resolved in the rule namespace, a dotted one is taken as is', () => {
  assert.equal(ruleHost(rule('a', 'bookinfo', 'details')), FQDN);
  assert.equal(ruleHost(rule('a', 'bookinfo', 'details.bookinfo')), 'details.bookinfo');
});

test('the rule in the proxy namespace wins, then the service namespace, and an exact host beats a wildcard', () => {
  const snapshot = createSnapshot([
    rule('wild', 'bookinfo', '*.bookinfo.svc.cluster.local'),
    rule('svc-ns', 'bookinfo', FQDN),
    rule('client-ns', 'shop', FQDN),
    rule('elsewhere', 'other', FQDN),
  ]);
  assert.equal(findDestinationRule(snapshot, FQDN, 'shop', 'bookinfo')?.metadata.name, 'client-ns');
  assert.equal(findDestinationRule(snapshot, FQDN, 'web', 'bookinfo')?.metadata.name, 'svc-ns');
  assert.equal(
    findDestinationRule(snapshot, 'ratings.bookinfo.svc.cluster.local', 'web', 'bookinfo')?.metadata.name,
    'wild',
  );
  assert.equal(findDestinationRule(snapshot, 'x.y.svc.cluster.local', 'web', 'y'), undefined);
});

test('outlier detection is converted only when the rule sets it, always with enforcing_success_rate 0', () => {
  assert.equal(outlierDetection(undefined), undefined);
  assert.equal(outlierDetection(rule('a', 'b', 'c')), undefined);
  const od = outlierDetection(
    rule('a', 'b', 'c', {
      trafficPolicy: {
        outlierDetection: {
          consecutive5xxErrors: 0,
          consecutiveGatewayErrors: 3,
          interval: '1.5s',
          baseEjectionTime: '2m',
          maxEjectionPercent: 100,
        },
      },
    }),
  );
  assert.deepEqual(od, {
    enforcing_success_rate: { value: 0 },
    consecutive_5xx: { value: 0 },
    enforcing_consecutive_5xx: { value: 0 },
    consecutive_gateway_failure: { value: 3 },
    enforcing_consecutive_gateway_failure: { value: 100 },
    interval: { seconds: 1, nanos: 500_000_000 },
    base_ejection_time: { seconds: 120, nanos: 0 },
    max_ejection_percent: { value: 100 },
  });
});

test('locality priorities need outlier detection and are off when localityLbSetting.enabled is false', () => {
  const od = { consecutive5xxErrors: 5 };
  assert.equal(priorityPolicy(undefined), 'no-destination-rule');
  assert.equal(priorityPolicy(rule('a', 'b', 'c')), 'no-outlier-detection');
  assert.deepEqual(priorityPolicy(rule('a', 'b', 'c', { trafficPolicy: { outlierDetection: od } })), {
    failover: [],
    failoverPriority: [],
  });
  const off = rule('a', 'b', 'c', {
    trafficPolicy: { outlierDetection: od, loadBalancer: { localityLbSetting: { enabled: false } } },
  });
  assert.equal(priorityPolicy(off), 'locality-lb-disabled');
});

test('connect timeout: the rule value, else 10 s', () => {
  assert.equal(connectTimeoutMs(undefined), 10_000);
  assert.equal(
    connectTimeoutMs(rule('a', 'b', 'c', { trafficPolicy: { connectionPool: { tcp: { connectTimeout: '250ms' } } } })),
    250,
  );
});
