import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeTargets } from './targets.js';
import { conditionFor, entryUnhealthy, initialState, nextState } from './verdict.js';
import type { Service, WorkloadEntry } from '../inputs.js';

const svc = (name: string, ports: { name?: string; port: number }[]): Service =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'bookinfo' },
    spec: { selector: { app: name }, ports },
  }) as Service;
const we = (name: string, labels: Record<string, string>, address = '127.2.0.1'): WorkloadEntry =>
  ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name, namespace: 'bookinfo' },
    spec: { address, ports: { http: 15443, grpc: 15443 }, labels },
  }) as WorkloadEntry;
const remote = { 'security.istio.io/tlsMode': 'istio', 'meshbridge.io/source-cluster': 'cluster-2' };

test('probe targets: federation-written mTLS entries, one per named port of each selecting Service', () => {
  const targets = probeTargets(
    [svc('details', [{ name: 'http', port: 9080 }, { port: 9999 }]), svc('reviews', [{ name: 'grpc', port: 9090 }])],
    [
      we('k-details-1', { app: 'details', ...remote }),
      we('k-reviews-1', { app: 'reviews', ...remote }),
      we('hand-written', { app: 'details', 'security.istio.io/tlsMode': 'istio' }),
      we('plaintext', { app: 'details', 'meshbridge.io/source-cluster': 'cluster-2' }),
    ],
  );
  assert.deepEqual(
    targets.map((t) => `${t.entry} ${t.service} ${t.address}:${t.port} ${t.sni}`),
    [
      'bookinfo/k-details-1 details.bookinfo 127.2.0.1:15443 outbound_.9080_._.details.bookinfo.svc.cluster.local',
      'bookinfo/k-reviews-1 reviews.bookinfo 127.2.0.1:15443 outbound_.9090_._.reviews.bookinfo.svc.cluster.local',
    ],
  );
});

test('verdict: 2 failures in a row turn an entry unhealthy, 1 success back; transition time kept while unchanged', () => {
  let s = initialState();
  s = nextState(s, false);
  assert.equal(s.healthy, true);
  s = nextState(s, true);
  s = nextState(s, false);
  assert.equal(s.healthy, true, 'a success in between resets the count');
  s = nextState(s, false);
  assert.equal(s.healthy, false);
  const fail = { ok: false as const, reason: 'RemoteApplicationDown' as const, message: 'refused' };
  const c1 = conditionFor(s, fail, undefined, new Date('2026-12-05T12:00:00Z'));
  assert.deepEqual([c1.status, c1.reason, c1.message], ['False', 'RemoteApplicationDown', 'refused']);
  const c2 = conditionFor(s, fail, c1, new Date('2026-12-05T12:00:05Z'));
  assert.equal(c2.lastTransitionTime, '2026-12-05T12:00:00.000Z');
  assert.equal(entryUnhealthy({ conditions: [c2] }), true);
  assert.equal(entryUnhealthy({ conditions: [{ ...c2, status: 'True' }] }), false);
  assert.equal(entryUnhealthy(undefined), false);
  assert.equal(nextState(s, true).healthy, true);
});
