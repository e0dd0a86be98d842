// What an outbound answer reports: the labels' code and serving cluster, and the recorder's entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host } from '../balancer/cluster-balancer.js';
import type { ProxyConfig } from '../config.js';
import type { FlightRecorder } from '../recorder/flight-recorder.js';
import { outboundLabels, reportAnswer } from './outbound-report.js';

const config = { workload: 'productpage-v1', namespace: 'bookinfo', cluster: 'cluster-1' } as ProxyConfig;
const CLUSTER = 'outbound|9080||details.bookinfo.svc.cluster.local';
const host = (clusterId?: string) => ({ key: 'k', priority: 0, endpoint: { clusterId } }) as unknown as Host;

function recorder() {
  const calls: unknown[][] = [];
  return { calls, r: { answered: (...args: unknown[]) => void calls.push(args) } as unknown as FlightRecorder };
}

test('labels name the source and the routed service, or unknown without a route', () => {
  assert.deepEqual(outboundLabels(config, CLUSTER), {
    reporter: 'source',
    source_workload: 'productpage-v1',
    source_workload_namespace: 'bookinfo',
    source_cluster: 'cluster-1',
    destination_service: 'details.bookinfo.svc.cluster.local',
    destination_cluster: 'unknown',
    response_code: '0',
  });
  assert.equal(outboundLabels(config, undefined).destination_service, 'unknown');
});

test("an upstream's answer is served by the cluster its served-by header names, else by its endpoint's", () => {
  const { calls, r } = recorder();
  const labels = outboundLabels(config, CLUSTER);
  reportAnswer(r, labels, CLUSTER, 200, { servedBy: 'details-v1-1.bookinfo@cluster-2', host: host('cluster-1') });
  assert.equal(labels.destination_cluster, 'cluster-2', 'a gateway answer names the remote cluster');
  assert.equal(labels.response_code, '200');
  reportAnswer(r, labels, CLUSTER, 503, { servedBy: undefined, host: host('cluster-1') });
  assert.equal(labels.destination_cluster, 'cluster-1');
  reportAnswer(r, labels, CLUSTER, 200, { servedBy: undefined, host: host(undefined) });
  assert.equal(labels.destination_cluster, 'unknown');
  assert.deepEqual(calls, [
    [CLUSTER, 200, 'cluster-2'],
    [CLUSTER, 503, 'cluster-1'],
    [CLUSTER, 200, undefined],
  ]);
});

test("the proxy's own answers name no serving cluster, and reach the recorder only with a route", () => {
  const { calls, r } = recorder();
  const labels = outboundLabels(config, CLUSTER);
  reportAnswer(r, labels, CLUSTER, 503);
  assert.deepEqual([labels.response_code, labels.destination_cluster], ['503', 'unknown']);
  reportAnswer(r, outboundLabels(config, undefined), undefined, 404);
  assert.deepEqual(calls, [[CLUSTER, 503, undefined]]);
});
