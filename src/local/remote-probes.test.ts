import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStore } from './store/cluster-store.js';
import type { EventInput } from './events/plan.js';
import { SERVICES } from './controllers/refs.js';
import { probeIntervalMs, startRemoteProbes } from './remote-probes.js';
import { createRootCA } from '../identity/index.js';
import type { ProbeResult } from '../mesh/probe/verdict.js';
import type { ProbeTarget } from '../mesh/probe/targets.js';

const WE = { group: 'networking.istio.io', plural: 'workloadentries' };
const entry = (name: string, address: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'WorkloadEntry',
  metadata: { name, namespace: 'bookinfo' },
  spec: {
    address,
    ports: { http: 15443 },
    labels: { app: 'details', 'security.istio.io/tlsMode': 'istio', 'meshbridge.io/source-cluster': 'cluster-2' },
  },
});

test('the prober writes the Healthy condition on a change of verdict only, with an event per transition', async () => {
  const store = new ClusterStore({ file: ':memory:' });
  store.create(
    { group: '', plural: 'namespaces' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } },
  );
  store.create(SERVICES, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'details', namespace: 'bookinfo' },
    spec: { selector: { app: 'details' }, ports: [{ name: 'http', port: 9080 }] },
  });
  store.create(WE, entry('k-details-a', '127.0.0.10'));
  store.create(WE, entry('k-details-b', '127.0.0.11'));
  let down = false;
  const probed: ProbeTarget[] = [];
  const probe = async (t: ProbeTarget): Promise<ProbeResult> => {
    probed.push(t);
    return down && t.address === '127.0.0.10'
      ? { ok: false, reason: 'GatewayUnreachable', message: `${t.address}:15443: ECONNREFUSED` }
      : { ok: true };
  };
  const events: EventInput[] = [];
  const probes = startRemoteProbes({
    store,
    ca: await createRootCA({ commonName: 'test root' }),
    trustDomain: 'cluster-1.local',
    events: { record: (e) => events.push(e) },
    intervalMs: 3_600_000,
    spreadMs: 0,
    probe,
  });
  try {
    const condition = (name: string) =>
      (store.get(WE, 'bookinfo', name)?.['status'] as { conditions?: Record<string, string>[] } | undefined)
        ?.conditions?.[0];
    await probes.round();
    assert.deepEqual(
      probed.map((t) => [t.entry, t.sni, t.port]),
      [
        ['bookinfo/k-details-a', 'outbound_.9080_._.details.bookinfo.svc.cluster.local', 15443],
        ['bookinfo/k-details-b', 'outbound_.9080_._.details.bookinfo.svc.cluster.local', 15443],
      ],
    );
    assert.equal(condition('k-details-a')?.['status'], 'True');
    const version = store.currentVersion();
    await probes.round();
    assert.equal(store.currentVersion(), version, 'an unchanged verdict writes nothing');
    down = true;
    await probes.round();
    assert.equal(condition('k-details-a')?.['status'], 'True', 'one failure is not enough');
    assert.equal(condition('k-details-a')?.['reason'], 'GatewayUnreachable');
    await probes.round();
    assert.equal(condition('k-details-a')?.['status'], 'False', 'two in a row are');
    assert.match(condition('k-details-a')?.['message'] ?? '', /ECONNREFUSED/);
    assert.equal(condition('k-details-b')?.['status'], 'True');
    down = false;
    await probes.round();
    assert.equal(condition('k-details-a')?.['status'], 'True', 'one success brings it back');
    assert.deepEqual(
      events.map((e) => [e.regarding.name, e.type, e.reason]),
      [
        ['k-details-a', 'Warning', 'RemoteProbeFailed'],
        ['k-details-a', 'Normal', 'RemoteProbeSucceeded'],
      ],
    );
  } finally {
    probes.stop();
  }
});

test('MESHBRIDGE_PROBE_INTERVAL: default 2 s, 0 turns probing off, nonsense is refused with the variable named', () => {
  assert.equal(probeIntervalMs({}), 2000);
  assert.equal(probeIntervalMs({ MESHBRIDGE_PROBE_INTERVAL: '500ms' }), 500);
  assert.equal(probeIntervalMs({ MESHBRIDGE_PROBE_INTERVAL: '0' }), 0);
  assert.throws(() => probeIntervalMs({ MESHBRIDGE_PROBE_INTERVAL: 'often' }), /MESHBRIDGE_PROBE_INTERVAL="often"/);
  assert.throws(() => probeIntervalMs({ MESHBRIDGE_PROBE_INTERVAL: '10ms' }), /at least 100ms/);
});
